import type { Knex } from 'knex';

/**
 * Order per key (a configuration's `orderingKey`). A queued event with a key carries it on its
 * queue row, scoped by its configuration (`<config id>:<key>`), with its place in the key's order
 * (`ordering_seq`: the event id when accepted, a new one when replayed). The claim takes only the
 * first row of each key, so a key's events run one at a time in order; a retrying event keeps its
 * row and so holds its key. A dead one keeps its row too, `parked`, until an operator releases
 * the key (see ordering-keys.ts).
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE webhook_configs ADD COLUMN ordering_key text NULL');
  await db.raw(
    `COMMENT ON COLUMN webhook_configs.ordering_key IS 'header:<name> or body:<json-pointer>: events with the same key run in order'`,
  );
  await db.raw(`ALTER TABLE webhook_event_queue ADD COLUMN ordering_key text NULL, ADD COLUMN ordering_seq bigint NULL,
    ADD COLUMN parked boolean NOT NULL DEFAULT false`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.ordering_key IS '<config id>:<key>; null: no order'`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.ordering_seq IS 'the event''s place in its key''s order'`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.parked IS 'a dead event holding its key until an operator releases it'`);
  // The claim's test that a row is the first of its key reads one entry of this index.
  await db.raw(
    'CREATE INDEX webhook_event_queue_ordering ON webhook_event_queue (ordering_key, ordering_seq) WHERE ordering_key IS NOT NULL',
  );
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DELETE FROM webhook_event_queue WHERE parked');
  await db.raw('DROP INDEX webhook_event_queue_ordering');
  await db.raw('ALTER TABLE webhook_event_queue DROP COLUMN ordering_key, DROP COLUMN ordering_seq, DROP COLUMN parked');
  await db.raw('ALTER TABLE webhook_configs DROP COLUMN ordering_key');
}
