import type { WebhookConfig } from '../domain/webhook-config.js';
import { eventsQueuedChannel } from './insert-webhook-events.js';
import type { Db } from './open-database.js';
import { findWebhookConfigById } from './webhook-configs.js';

/**
 * A paused configuration's queued events are *held*: moved out of the claim's due order
 * (`due_at` infinity, so the claim's walk never meets them again) with their due time kept in
 * `held_due_at` and the configuration in `held_for_config` (migration 20261208000000). Pausing
 * holds what is queued at once (not what waits for its limits: the admission lets nothing of a paused
 * configuration through); the claim holds any event of a paused configuration it meets later
 * (accepted meanwhile, a retry coming due, a replay); resuming gives every held event its due time
 * back, so they drain in the order they were due.
 */

/** Marks the configuration paused and holds its queued events; undefined when it is missing or already paused. */
export async function pauseWebhookDelivery(db: Db, id: number, now: Date): Promise<WebhookConfig | undefined> {
  const paused = await db('webhook_configs')
    .where({ id })
    .whereNull('delivery_paused_at')
    .update({ delivery_paused_at: now }, ['id']);
  if (paused.length === 0) return undefined;
  const config = await findWebhookConfigById(db, id);
  if (config) await holdQueuedEvents(db, config);
  return config;
}

/**
 * Clears the pause and gives its held events back their due times; NOTIFYs the workers of every
 * process (at commit). Undefined when the configuration is missing or not paused.
 */
export async function resumeWebhookDelivery(db: Db, id: number): Promise<WebhookConfig | undefined> {
  const resumed = await db('webhook_configs')
    .where({ id })
    .whereNotNull('delivery_paused_at')
    .update({ delivery_paused_at: null }, ['id']);
  if (resumed.length === 0) return undefined;
  await db.raw(
    `UPDATE webhook_event_queue SET due_at = held_due_at, held_due_at = NULL, held_for_config = NULL
     WHERE held_for_config = ?`,
    [id],
  );
  await db.raw('SELECT pg_notify(?, ?)', [eventsQueuedChannel, '']);
  return findWebhookConfigById(db, id);
}

/**
 * Holds the configuration's queued events (not the running ones: they finish, and a retry is held
 * by the claim when it comes due). The events the configuration runs are those stored with its id,
 * and a provider's stored without one under its key.
 */
async function holdQueuedEvents(db: Db, config: WebhookConfig): Promise<void> {
  await db.raw(
    `UPDATE webhook_event_queue q SET held_due_at = q.due_at, due_at = 'infinity', held_for_config = :id
     WHERE q.lease_owner IS NULL AND q.held_for_config IS NULL AND NOT q.parked AND q.waiting_due_at IS NULL
       AND q.limit_due_at IS NULL AND EXISTS (
       SELECT 1 FROM webhook_events e WHERE e.id = q.event_id AND (e.config_id = :id
         OR (e.config_id IS NULL AND e.source <> 'router' AND lower(e.config_key) = lower(:key))))`,
    { id: config.id, key: config.key },
  );
}

/**
 * Gives back the events held for configurations that are no longer paused (or no longer exist).
 * Resume does this for its configuration; this mends the one race it cannot see: a claim that read
 * the pause just before a resume committed, and held an event after the resume gave the others back.
 * Run by the queue upkeep; reads only held rows (a partial index). Returns how many it gave back.
 */
export async function releaseStrayHeldEvents(db: Db): Promise<number> {
  const { rows } = await db.raw<{ rows: { count: string | number }[] }>(
    `WITH released AS (
       UPDATE webhook_event_queue q SET due_at = q.held_due_at, held_due_at = NULL, held_for_config = NULL
       WHERE q.held_for_config IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM webhook_configs w WHERE w.id = q.held_for_config AND w.delivery_paused_at IS NOT NULL)
       RETURNING 1)
     SELECT count(*) AS count FROM released`,
  );
  const released = Number(rows[0]?.count ?? 0);
  if (released > 0) await db.raw('SELECT pg_notify(?, ?)', [eventsQueuedChannel, '']);
  return released;
}

/** How many events wait to run, per configuration id (held or queued, not running). */
export async function countWaitingEvents(db: Db, configIds: readonly number[]): Promise<Map<number, number>> {
  if (configIds.length === 0) return new Map();
  const { rows } = await db.raw<{ rows: { config_id: string | number; count: string | number }[] }>(
    `SELECT e.config_id, count(*) AS count
     FROM webhook_event_queue q JOIN webhook_events e ON e.id = q.event_id AND e.received_at = q.received_at
     WHERE q.lease_owner IS NULL AND NOT q.parked AND e.config_id = ANY(?::bigint[])
     GROUP BY e.config_id`,
    [`{${configIds.join(',')}}`],
  );
  return new Map(rows.map((row) => [Number(row.config_id), Number(row.count)]));
}
