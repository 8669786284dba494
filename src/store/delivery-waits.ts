import { queueTable } from './event-queue-state.js';
import type { Db } from './open-database.js';

/** Why a queued event is held back from the workers. */
export type DeliveryWaitReason = 'pause' | 'order' | 'limit' | 'parked';

/** How many events of one configuration wait for one reason. */
export interface DeliveryWait {
  readonly configKey: string;
  readonly reason: DeliveryWaitReason;
  readonly events: number;
}

/**
 * The events held back per configuration, read at scrape time from the queue rows alone: held for a
 * paused configuration (delivery-pause.ts), waiting behind an earlier event of their ordering key,
 * waiting for their configuration's limits or back-off (admit-limited-events.ts), and dead events
 * parking their key (ordering-keys.ts: one parked row is one parked key). An
 * ordering key is stored as `<config id>:<key>`.
 */
export async function countDeliveryWaits(db: Db): Promise<DeliveryWait[]> {
  const { rows } = await db.raw<{ rows: { config_key: string; reason: DeliveryWaitReason; events: string | number }[] }>(
    `SELECT c.key AS config_key, w.reason, w.events FROM (
       SELECT held_for_config AS config_id, 'pause' AS reason, count(*) AS events
       FROM ${queueTable} WHERE held_for_config IS NOT NULL GROUP BY held_for_config
       UNION ALL
       SELECT split_part(ordering_key, ':', 1)::bigint, CASE WHEN parked THEN 'parked' ELSE 'order' END, count(*)
       FROM ${queueTable}
       WHERE ordering_key IS NOT NULL AND held_for_config IS NULL AND (parked OR waiting_due_at IS NOT NULL)
       GROUP BY 1, 2
       UNION ALL
       SELECT limited_config, 'limit', count(*) FROM ${queueTable}
       WHERE limit_due_at IS NOT NULL AND held_for_config IS NULL GROUP BY limited_config) w
     JOIN webhook_configs c ON c.id = w.config_id
     ORDER BY c.key, w.reason`,
  );
  return rows.map((row) => ({ configKey: row.config_key, reason: row.reason, events: Number(row.events) }));
}

/** A configuration backed off by a target's Retry-After, and how long it still waits. */
export interface DeliveryBackOff {
  readonly configKey: string;
  readonly secondsLeft: number;
}

/** The configurations backed off now, on the database clock (delivery_limits, a row per limited configuration). */
export async function findDeliveryBackOffs(db: Db): Promise<DeliveryBackOff[]> {
  const { rows } = await db.raw<{ rows: { config_key: string; seconds_left: string | number }[] }>(
    `SELECT c.key AS config_key, extract(epoch FROM t.backoff_until - now()) AS seconds_left
     FROM delivery_limits t JOIN webhook_configs c ON c.id = t.config_id
     WHERE t.backoff_until > now() ORDER BY c.key`,
  );
  return rows.map((row) => ({ configKey: row.config_key, secondsLeft: Number(row.seconds_left) }));
}

/** Until when each of these configurations is backed off (database clock); those not backed off now are absent. */
export async function findBackOffEnds(db: Db, configIds: readonly number[]): Promise<Map<number, Date>> {
  if (configIds.length === 0) return new Map();
  const { rows } = await db.raw<{ rows: { config_id: string | number; backoff_until: Date | string }[] }>(
    `SELECT config_id, backoff_until FROM delivery_limits
     WHERE config_id = ANY(?::bigint[]) AND backoff_until > now()`,
    [`{${configIds.join(',')}}`],
  );
  return new Map(rows.map((row) => [Number(row.config_id), new Date(row.backoff_until)]));
}
