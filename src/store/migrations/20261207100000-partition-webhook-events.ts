import type { Knex } from 'knex';
import { ensureEventLogPartitions } from '../event-log-partitions.js';

/** Weeks made ahead by the migration; the service keeps making them (event log upkeep). */
const weeksAhead = 3;
const weekMs = 7 * 86_400_000;

/**
 * The event log partitioned by week of `received_at` (event-log-partitions.ts), so that retention
 * drops whole weeks instead of deleting rows, and old weeks are never rewritten. What a partitioned
 * table cannot hold moves out:
 * - idempotency keys: a unique index on the log would have to include `received_at`, so keys are
 *   unique in their own table, `webhook_event_dedup_keys`, written in the same statement as the event;
 * - the attempts' foreign key, which would have to carry `received_at` too: attempts are deleted
 *   with their week by retention instead of by cascade.
 * The queue row carries its event's `received_at`, so that the claim and the settle read and write
 * the one week holding each event (run-time partition pruning) whatever the log's length.
 * Every event moves over as it is, with its id; the id sequence is kept.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE webhook_event_attempts DROP CONSTRAINT IF EXISTS webhook_event_attempts_event_id_foreign');

  await db.raw(`
    CREATE TABLE webhook_event_dedup_keys (
      dedup_scope text NOT NULL,
      idempotency_key text NOT NULL,
      event_id bigint NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (dedup_scope, idempotency_key))`);
  await db.raw(
    `COMMENT ON TABLE webhook_event_dedup_keys IS 'one row per stored idempotency key: a repeat in its scope is not stored again'`,
  );
  await db.raw('CREATE INDEX webhook_event_dedup_keys_received ON webhook_event_dedup_keys (received_at)');
  await db.raw(`
    INSERT INTO webhook_event_dedup_keys (dedup_scope, idempotency_key, event_id, received_at)
    SELECT dedup_scope, idempotency_key, id, received_at FROM webhook_events WHERE idempotency_key IS NOT NULL`);

  await db.raw('ALTER TABLE webhook_event_queue ADD COLUMN received_at timestamptz');
  await db.raw('UPDATE webhook_event_queue q SET received_at = e.received_at FROM webhook_events e WHERE e.id = q.event_id');
  // A queue row whose event is gone would never run: nothing to keep.
  await db.raw('DELETE FROM webhook_event_queue WHERE received_at IS NULL');
  await db.raw('ALTER TABLE webhook_event_queue ALTER COLUMN received_at SET NOT NULL');
  await db.raw(
    `COMMENT ON COLUMN webhook_event_queue.received_at IS 'the event''s received_at: finds its week of the log without scanning the others'`,
  );

  await db.raw('ALTER TABLE webhook_events RENAME TO webhook_events_unpartitioned');
  // Their names go to the partitioned table's own.
  await db.raw(
    'ALTER TABLE webhook_events_unpartitioned RENAME CONSTRAINT webhook_events_pkey TO webhook_events_unpartitioned_pkey',
  );
  await db.raw(
    'DROP INDEX webhook_events_received, webhook_events_config, webhook_events_source, webhook_events_fields, webhook_events_dedup_unique',
  );
  await db.raw(`
    CREATE TABLE webhook_events (LIKE webhook_events_unpartitioned INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING COMMENTS
      INCLUDING STORAGE) PARTITION BY RANGE (received_at)`);
  await db.raw(`COMMENT ON TABLE webhook_events IS 'the event log, one partition per week of received_at (Monday 00:00 UTC)'`);
  await db.raw('ALTER SEQUENCE webhook_events_id_seq OWNED BY webhook_events.id');
  await db.raw('ALTER TABLE webhook_events ADD PRIMARY KEY (id, received_at)');
  await db.raw('CREATE INDEX webhook_events_received ON webhook_events (received_at DESC, id DESC)');
  await db.raw('CREATE INDEX webhook_events_config ON webhook_events (config_id, received_at DESC)');
  await db.raw('CREATE INDEX webhook_events_source ON webhook_events (source, received_at DESC)');
  await db.raw('CREATE INDEX webhook_events_fields ON webhook_events USING gin (fields jsonb_path_ops)');

  const { rows } = await db.raw<{ rows: { oldest: Date | string | null }[] }>(
    'SELECT min(received_at) AS oldest FROM webhook_events_unpartitioned',
  );
  const now = Date.now();
  const oldest = rows[0]?.oldest ? new Date(rows[0].oldest) : new Date(now);
  await ensureEventLogPartitions(db, { from: oldest, to: new Date(now + weeksAhead * weekMs) });
  const columns = await storedColumns(db);
  await db.raw(`INSERT INTO webhook_events (${columns}) SELECT ${columns} FROM webhook_events_unpartitioned`);
  await db.raw('DROP TABLE webhook_events_unpartitioned');
}

/** Every column but the generated ones, which an INSERT may not name. */
async function storedColumns(db: Knex): Promise<string> {
  const { rows } = await db.raw<{ rows: { name: string }[] }>(
    `SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'webhook_events_unpartitioned' AND is_generated = 'NEVER'
     ORDER BY ordinal_position`,
  );
  return rows.map(({ name }) => `"${name}"`).join(', ');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE webhook_events RENAME TO webhook_events_partitioned');
  await db.raw(`
    CREATE TABLE webhook_events (LIKE webhook_events_partitioned INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING COMMENTS
      INCLUDING STORAGE)`);
  await db.raw('ALTER SEQUENCE webhook_events_id_seq OWNED BY webhook_events.id');
  const { rows } = await db.raw<{ rows: { name: string }[] }>(
    `SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'webhook_events_partitioned' AND is_generated = 'NEVER'
     ORDER BY ordinal_position`,
  );
  const columns = rows.map(({ name }) => `"${name}"`).join(', ');
  await db.raw(`INSERT INTO webhook_events (${columns}) SELECT ${columns} FROM webhook_events_partitioned`);
  await db.raw('DROP TABLE webhook_events_partitioned');
  await db.raw('ALTER TABLE webhook_events ADD PRIMARY KEY (id)');
  await db.raw('CREATE INDEX webhook_events_received ON webhook_events (received_at DESC, id DESC)');
  await db.raw('CREATE INDEX webhook_events_config ON webhook_events (config_id, received_at DESC)');
  await db.raw('CREATE INDEX webhook_events_source ON webhook_events (source, received_at DESC)');
  await db.raw('CREATE INDEX webhook_events_fields ON webhook_events USING gin (fields jsonb_path_ops)');
  await db.raw(
    `CREATE UNIQUE INDEX webhook_events_dedup_unique ON webhook_events (dedup_scope, idempotency_key)
     WHERE idempotency_key IS NOT NULL`,
  );
  await db.raw('DROP TABLE webhook_event_dedup_keys');
  await db.raw('ALTER TABLE webhook_event_queue DROP COLUMN received_at');
  await db.raw(
    `ALTER TABLE webhook_event_attempts ADD CONSTRAINT webhook_event_attempts_event_id_foreign
     FOREIGN KEY (event_id) REFERENCES webhook_events (id) ON DELETE CASCADE`,
  );
}
