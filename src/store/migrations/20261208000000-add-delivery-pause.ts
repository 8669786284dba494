import type { Knex } from 'knex';

/**
 * Pausing a configuration's delivery (PauseWebHookDeliveryCommand). Its events keep being accepted
 * and queued; the claim moves each one it meets out of the due order (`due_at` infinity) and keeps
 * its due time aside, so a paused backlog costs claims nothing; resuming puts them back as they
 * were due (see hold-paused-events.ts).
 */
export async function up(db: Knex): Promise<void> {
  await db.raw('ALTER TABLE webhook_configs ADD COLUMN delivery_paused_at timestamptz NULL');
  await db.raw(`COMMENT ON COLUMN webhook_configs.delivery_paused_at IS 'when its delivery was paused; null while it runs'`);
  await db.raw('ALTER TABLE webhook_event_queue ADD COLUMN held_for_config bigint NULL, ADD COLUMN held_due_at timestamptz NULL');
  await db.raw(
    `COMMENT ON COLUMN webhook_event_queue.held_for_config IS 'held while this configuration is paused (due_at is then infinity)'`,
  );
  await db.raw(`COMMENT ON COLUMN webhook_event_queue.held_due_at IS 'a held event''s due time, given back on resume'`);
  // Resume and the upkeep's check find the held rows of one configuration without reading the rest.
  await db.raw(
    'CREATE INDEX webhook_event_queue_held ON webhook_event_queue (held_for_config, held_due_at, event_id) WHERE held_for_config IS NOT NULL',
  );
}

export async function down(db: Knex): Promise<void> {
  await db.raw(`UPDATE webhook_event_queue SET due_at = held_due_at WHERE held_for_config IS NOT NULL`);
  await db.raw('DROP INDEX webhook_event_queue_held');
  await db.raw('ALTER TABLE webhook_event_queue DROP COLUMN held_for_config, DROP COLUMN held_due_at');
  await db.raw('ALTER TABLE webhook_configs DROP COLUMN delivery_paused_at');
}
