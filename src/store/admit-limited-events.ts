import type { Db } from './open-database.js';

/**
 * How long a start counts against `maxPerSecond`: a second, and a quarter more so that a target
 * counting its own one-second windows never sees more than the limit although requests take a
 * little more or less time to reach it (the admission, the claim and the executor lie between).
 */
export const rateWindowMs = 1_250;

/** What one admission did for one configuration. */
export interface LimitAdmission {
  /** Events given back to the due order (the claim runs them). */
  readonly admitted: number;
  /** Events still waiting for the limits: the configuration is worth another look. */
  readonly stillWaiting: boolean;
  /** When its limits let more through at the earliest (ms from now); null when that depends on a run ending. */
  readonly freeInMs: number | null;
}

/** The configurations that have events waiting for their limits or back-off (see migration 20261209100000). */
export async function findLimitWaits(db: Db): Promise<number[]> {
  const { rows } = await db.raw<{ rows: { config_id: string | number }[] }>(
    `SELECT t.config_id FROM delivery_limits t
     WHERE EXISTS (SELECT 1 FROM webhook_event_queue q WHERE q.limited_config = t.config_id AND q.limit_due_at IS NOT NULL)
     ORDER BY t.config_id`,
  );
  return rows.map((row) => Number(row.config_id));
}

interface LimitRow {
  max_concurrency: number | null;
  max_per_second: number | null;
  paused: boolean;
  found: boolean;
  backoff_ms: string | number | null;
  running: string | number;
  recent: string | number;
  oldest_recent_ms: string | number | null;
}

/**
 * Lets up to `room` waiting events of one configuration through its limits, across every process:
 * its `delivery_limits` row is locked for the transaction (SKIP LOCKED: another process admitting it
 * just now is enough), and what runs is counted after the lock, by statements whose snapshot sees
 * every admission committed before it. Running: its admitted events not yet finished (queued to
 * be claimed, or leased with a live lease). Started: the admissions within `rateWindowMs`. Paused or
 * backed off, nothing passes; without limits or back-off any more (or gone), every waiting event
 * goes back to the due order.
 */
export async function admitLimitedEvents(db: Db, configId: number, room: number): Promise<LimitAdmission> {
  return db.transaction(async (tx) => {
    const locked = await tx.raw<{ rows: unknown[] }>('SELECT 1 FROM delivery_limits WHERE config_id = ? FOR UPDATE SKIP LOCKED', [
      configId,
    ]);
    if (locked.rows.length === 0) return { admitted: 0, stillWaiting: true, freeInMs: null };
    const { rows } = await tx.raw<{ rows: LimitRow[] }>(
      `SELECT w.max_concurrency, w.max_per_second, w.delivery_paused_at IS NOT NULL AS paused, w.id IS NOT NULL AS found,
         CASE WHEN t.backoff_until > now() THEN extract(epoch FROM t.backoff_until - now()) * 1000 END AS backoff_ms,
         (SELECT count(*) FROM webhook_event_queue q WHERE q.limited_config = t.config_id AND q.limit_due_at IS NULL
           AND (q.lease_owner IS NULL OR q.due_at > now())) AS running,
         (SELECT count(*) FROM unnest(t.recent_starts) s WHERE s > now() - make_interval(secs => CAST(:windowS AS double precision))) AS recent,
         (SELECT extract(epoch FROM min(s) + make_interval(secs => CAST(:windowS AS double precision)) - now()) * 1000
           FROM unnest(t.recent_starts) s WHERE s > now() - make_interval(secs => CAST(:windowS AS double precision))) AS oldest_recent_ms
       FROM delivery_limits t LEFT JOIN webhook_configs w ON w.id = t.config_id
       WHERE t.config_id = :configId`,
      { configId, windowS: rateWindowMs / 1000 },
    );
    const row = rows[0];
    if (!row) return { admitted: 0, stillWaiting: false, freeInMs: null };
    if (row.paused) return { admitted: 0, stillWaiting: true, freeInMs: null };
    if (row.backoff_ms !== null) return { admitted: 0, stillWaiting: true, freeInMs: Math.ceil(Number(row.backoff_ms)) };
    if (!row.found || (row.max_concurrency === null && row.max_per_second === null)) {
      await giveBackWaiting(tx, configId, null);
      return { admitted: 0, stillWaiting: false, freeInMs: null };
    }
    const byConcurrency = row.max_concurrency === null ? room : row.max_concurrency - Number(row.running);
    const byRate = row.max_per_second === null ? room : row.max_per_second - Number(row.recent);
    const allowed = Math.min(room, byConcurrency, byRate);
    const rateFreeInMs = row.oldest_recent_ms === null ? 0 : Math.max(1, Math.ceil(Number(row.oldest_recent_ms)));
    if (allowed <= 0) return { admitted: 0, stillWaiting: true, freeInMs: byRate <= 0 ? rateFreeInMs : null };
    const admitted = await giveBackWaiting(tx, configId, allowed);
    if (row.max_per_second !== null && admitted > 0) {
      await tx.raw(
        `UPDATE delivery_limits SET recent_starts = array(
           SELECT s FROM unnest(recent_starts) s WHERE s > now() - make_interval(secs => CAST(:windowS AS double precision))
           UNION ALL SELECT now() FROM generate_series(1, :admitted))
         WHERE config_id = :configId`,
        { configId, admitted, windowS: rateWindowMs / 1000 },
      );
    }
    return { admitted, stillWaiting: admitted === allowed, freeInMs: byRate - admitted <= 0 ? rateFreeInMs : null };
  });
}

/**
 * Gives waiting events back to the due order at their own due time, in that order: up to `limit`
 * (admitted: they keep `limited_config`, so they count as running until they finish), or all of them
 * (null: no limits any more, so they leave the configuration's count).
 */
async function giveBackWaiting(tx: Db, configId: number, limit: number | null): Promise<number> {
  const { rows } = await tx.raw<{ rows: { count: string | number }[] }>(
    `WITH picked AS (
       SELECT event_id FROM webhook_event_queue
       WHERE limited_config = :configId AND limit_due_at IS NOT NULL
       ORDER BY limit_due_at, event_id LIMIT CAST(:limit AS bigint) FOR UPDATE SKIP LOCKED),
     given AS (
       UPDATE webhook_event_queue q SET due_at = q.limit_due_at, limit_due_at = NULL,
         limited_config = CASE WHEN CAST(:keep AS boolean) THEN q.limited_config END
       FROM picked WHERE q.event_id = picked.event_id
       RETURNING 1)
     SELECT count(*) AS count FROM given`,
    { configId, limit, keep: limit !== null },
  );
  return Number(rows[0]?.count ?? 0);
}

/**
 * Notes a forward target's Retry-After: nothing of the configuration starts before `delayMs` from
 * now on the database clock (a later back-off already noted stands).
 */
export async function backOffConfiguration(db: Db, configId: number, delayMs: number): Promise<void> {
  await db.raw(
    `INSERT INTO delivery_limits AS t (config_id, backoff_until) VALUES (:configId, now() + make_interval(secs => CAST(:delayS AS double precision)))
     ON CONFLICT (config_id) DO UPDATE SET backoff_until = greatest(t.backoff_until, excluded.backoff_until)`,
    { configId, delayS: delayMs / 1000 },
  );
}
