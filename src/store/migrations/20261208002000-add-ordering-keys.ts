import type { Knex } from 'knex';

/**
 * Order per key (a configuration's `orderingKey`). A queued event with a key carries it on its
 * queue row, scoped by its configuration (`<config id>:<key>`), with its place in the key's order
 * (`ordering_seq`: the event id when accepted, a new one when replayed). The claim takes only the
 * first row of each key, so a key's events run one at a time in order; a retrying event keeps its
 * row and so holds its key. A dead one keeps its row too, `parked`, until an operator releases
 * the key (see ordering-keys.ts). A row stored behind an earlier one of its key waits out of the
 * due order (`waiting_due_at`), so the claim's walk does not pass over a long key's backlog.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE webhook_configs ADD COLUMN ordering_key text NULL');
  await db.raw(
    `COMMENT ON COLUMN webhook_configs.ordering_key IS 'header:<name> or body:<json-pointer>: events with the same key run in order'`,
  );
  await db.raw(`ALTER TABLE webhook_event_queue ADD COLUMN ordering_key text NULL, ADD COLUMN ordering_seq bigint NULL,
    ADD COLUMN parked boolean NOT NULL DEFAULT false, ADD COLUMN waiting_due_at timestamptz NULL`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.ordering_key IS '<config id>:<key>; null: no order'`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.ordering_seq IS 'the event''s place in its key''s order'`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.parked IS 'a dead event holding its key until an operator releases it'`);
  await db.raw(
    `COMMENT ON COLUMN webhook_event_queue.waiting_due_at IS 'behind an earlier event of its key: its due time, given back when it is first (due_at is infinity)'`,
  );
  // The claim's test that a row is the first of its key reads one entry of this index.
  await db.raw(
    'CREATE INDEX webhook_event_queue_ordering ON webhook_event_queue (ordering_key, ordering_seq) WHERE ordering_key IS NOT NULL',
  );
  // The upkeep's look for waiting events that are now first of their key reads only these.
  await db.raw(
    'CREATE INDEX webhook_event_queue_waiting ON webhook_event_queue (ordering_key, ordering_seq) WHERE waiting_due_at IS NOT NULL',
  );
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DELETE FROM webhook_event_queue WHERE parked');
  await db.raw('DROP INDEX webhook_event_queue_waiting');
  await db.raw('DROP INDEX webhook_event_queue_ordering');
  await db.raw(
    'ALTER TABLE webhook_event_queue DROP COLUMN ordering_key, DROP COLUMN ordering_seq, DROP COLUMN parked, DROP COLUMN waiting_due_at',
  );
  await db.raw('ALTER TABLE webhook_configs DROP COLUMN ordering_key');
}
