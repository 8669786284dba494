import type { Knex } from 'knex';

/**
 * Delivery limits per configuration (`maxConcurrency`, `maxPerSecond`) and the back-off a forward
 * target asks for with `Retry-After`. The claim moves a due event of a limited or backed-off
 * configuration out of the due order into its configuration's limit wait (`limit_due_at`, `due_at`
 * infinity); the admission (admit-limited-events.ts) gives waiting events back to the due order as
 * the limits allow, under a lock of that configuration's `delivery_limits` row only, so unrelated
 * configurations never wait for each other and unlimited ones never take that lock.
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE webhook_configs ADD COLUMN max_concurrency integer NULL, ADD COLUMN max_per_second integer NULL');
  await db.raw(
    `COMMENT ON COLUMN webhook_configs.max_concurrency IS 'at most this many of its events run at once, across every process; null: no limit'`,
  );
  await db.raw(
    `COMMENT ON COLUMN webhook_configs.max_per_second IS 'at most this many of its events start in any window of the admission (see delivery_limits); null: no limit'`,
  );
  await db.raw(`
    CREATE TABLE delivery_limits (
      config_id bigint PRIMARY KEY,
      recent_starts timestamptz[] NOT NULL DEFAULT '{}',
      backoff_until timestamptz NULL
    )`);
  await db.raw(
    `COMMENT ON TABLE delivery_limits IS 'per configuration whose events have waited for limits or back-off; its row is the lock of its admission'`,
  );
  await db.raw(
    `COMMENT ON COLUMN delivery_limits.recent_starts IS 'when its latest admissions happened (database clock), those within the rate window'`,
  );
  await db.raw(
    `COMMENT ON COLUMN delivery_limits.backoff_until IS 'nothing of it runs before this (database clock): a forward target answered Retry-After'`,
  );
  // The claim tests whether a configuration is backed off once per statement, reading only these rows.
  await db.raw('CREATE INDEX delivery_limits_backoff ON delivery_limits (backoff_until) WHERE backoff_until IS NOT NULL');
  await db.raw('ALTER TABLE webhook_event_queue ADD COLUMN limited_config bigint NULL, ADD COLUMN limit_due_at timestamptz NULL');
  await db.raw(
    `COMMENT ON COLUMN webhook_event_queue.limited_config IS 'the configuration whose limits this row waits for (limit_due_at set), or whose limits admitted it (queued or leased: counted as running)'`,
  );
  await db.raw(
    `COMMENT ON COLUMN webhook_event_queue.limit_due_at IS 'waiting for its configuration''s limits: its due time, given back when admitted (due_at is infinity)'`,
  );
  // The admission picks a configuration's waiting rows in due order and counts its admitted ones.
  await db.raw(
    'CREATE INDEX webhook_event_queue_limited ON webhook_event_queue (limited_config, limit_due_at, event_id) WHERE limited_config IS NOT NULL',
  );
}

export async function down(db: Knex): Promise<void> {
  await db.raw('UPDATE webhook_event_queue SET due_at = limit_due_at WHERE limit_due_at IS NOT NULL');
  await db.raw('DROP INDEX webhook_event_queue_limited');
  await db.raw('ALTER TABLE webhook_event_queue DROP COLUMN limited_config, DROP COLUMN limit_due_at');
  await db.raw('DROP TABLE delivery_limits');
  await db.raw('ALTER TABLE webhook_configs DROP COLUMN max_concurrency, DROP COLUMN max_per_second');
}
