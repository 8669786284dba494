import type { Knex } from 'knex';

/**
 * The queue out of the event log: one narrow row per due or running delivery, so that claims, lease
 * extensions and retries write a row of a few dozen bytes instead of a new version of the wide event
 * (body, headers, trace, result). The event row is written when accepted and when final; while its
 * queue row exists, the queue row holds its status, attempts, due time and lease (see
 * webhook-event-state.ts). Queued and running events move over with their state.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw(`
    CREATE TABLE webhook_event_queue (
      event_id bigint PRIMARY KEY,
      due_at timestamptz NOT NULL,
      lease_owner text NULL,
      attempts integer NOT NULL,
      max_attempts integer NOT NULL,
      source text NOT NULL
    ) WITH (${queueStorage})`);
  await db.raw(`COMMENT ON TABLE webhook_event_queue IS 'one row per queued or running event; deleted when the event is final'`);
  await db.raw(
    `COMMENT ON COLUMN webhook_event_queue.due_at IS 'queued: when due; leased: when the lease ends (database clock)'`,
  );
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.lease_owner IS 'the worker holding the event; null while queued'`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.attempts IS 'attempts started so far; the event row has it once final'`);
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.source IS 'the event''s source, for the inbox depth per source'`);
  // The claim walks this index in due order and stops after its batch.
  await db.raw('CREATE INDEX webhook_event_queue_due ON webhook_event_queue (due_at, event_id)');
  await db.raw(`
    INSERT INTO webhook_event_queue (event_id, due_at, lease_owner, attempts, max_attempts, source)
    SELECT id, coalesce(available_at, received_at), CASE WHEN status = 'processing' THEN coalesce(lease_owner, '') END,
      attempts, max_attempts, source
    FROM webhook_events WHERE status IN ('queued', 'processing')`);
  // The claim no longer reads the log; this index only cost every accept and settle.
  await db.raw('DROP INDEX webhook_events_due');
}

/**
 * A queue table's rows live seconds: vacuum it after a few hundred dead rows, not a fifth of the
 * table, and leave room on each page for the next version of a row (claims and lease extensions).
 */
const queueStorage = [
  'fillfactor = 70',
  'autovacuum_vacuum_scale_factor = 0',
  'autovacuum_vacuum_threshold = 500',
  'autovacuum_vacuum_insert_scale_factor = 0',
  'autovacuum_vacuum_insert_threshold = 1000',
  'autovacuum_analyze_scale_factor = 0',
  'autovacuum_analyze_threshold = 1000',
].join(', ');

export async function down(db: Knex): Promise<void> {
  await db.raw(`CREATE INDEX webhook_events_due ON webhook_events (available_at, id) WHERE status IN ('queued', 'processing')`);
  await db.raw(`
    UPDATE webhook_events e SET status = CASE WHEN q.lease_owner IS NULL THEN 'queued' ELSE 'processing' END,
      available_at = q.due_at, lease_owner = q.lease_owner, attempts = q.attempts, max_attempts = q.max_attempts
    FROM webhook_event_queue q WHERE e.id = q.event_id`);
  await db.raw('DROP TABLE webhook_event_queue');
}
