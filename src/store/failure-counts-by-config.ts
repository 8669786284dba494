import { eventWithQueue } from './event-queue-state.js';
import type { Db } from './open-database.js';

/** How a configuration's events received in a window are doing. */
export interface FailureCounts {
  readonly configId: number;
  readonly configKey: string;
  readonly succeeded: number;
  /** Final failures: a sync event that failed, an async one gone dead. */
  readonly failed: number;
  /** Async events that failed at least once and wait for (or run) another attempt. */
  readonly retrying: number;
}

/**
 * Counts per enabled configuration of the events received since `since` (a range of the received_at
 * index, so the cost follows the window's traffic, not the log's length). Events on their first
 * attempt are left out: they have not failed or succeeded yet. A deleted or disabled configuration's
 * events are left out too: they say nothing of a configuration that takes its key later.
 */
export async function countFailuresByConfig(db: Db, since: Date): Promise<FailureCounts[]> {
  const { rows } = await db.raw<{ rows: CountRow[] }>(
    `SELECT e.config_id, e.config_key,
       count(*) FILTER (WHERE q.event_id IS NULL AND e.status = 'succeeded') AS succeeded,
       count(*) FILTER (WHERE q.event_id IS NULL AND e.status IN ('failed', 'dead')) AS failed,
       count(*) FILTER (WHERE q.attempts > 1 OR (q.attempts > 0 AND q.lease_owner IS NULL)) AS retrying
     FROM ${eventWithQueue} JOIN webhook_configs c ON c.id = e.config_id AND c.is_enabled
     WHERE e.received_at >= ?
     GROUP BY e.config_id, e.config_key`,
    [since],
  );
  // pg gives count(*) (int8) as strings, PGlite as numbers.
  return rows.map((row) => ({
    configId: Number(row.config_id),
    configKey: row.config_key,
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    retrying: Number(row.retrying),
  }));
}

interface CountRow {
  config_id: string | number;
  config_key: string;
  succeeded: string | number;
  failed: string | number;
  retrying: string | number;
}
