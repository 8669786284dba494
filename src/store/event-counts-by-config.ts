import { currentStatus, eventWithQueue } from './event-queue-state.js';
import type { Db } from './open-database.js';
import type { EventStatus } from '../domain/proto-lists.js';

/** One configuration's events received in a window, by their current status. */
export interface ConfigEventCounts {
  readonly configId: number;
  readonly configKey: string;
  readonly isEnabled: boolean;
  readonly succeeded: number;
  readonly failed: number;
  readonly dead: number;
  readonly queued: number;
  readonly processing: number;
  readonly rejected: number;
}

/** The statuses GetDeliveryOverviewQuery counts: every one but `stored`, which has no configuration. */
const statuses = ['succeeded', 'failed', 'dead', 'queued', 'processing', 'rejected'] as const satisfies readonly EventStatus[];

/**
 * Every configuration, by key, with its events received since `since` counted by current status
 * (zeros where none came): one GROUP BY over the weeks of the log the window touches, joined to
 * the queue rows for the state of events not yet final.
 */
export async function countEventsByConfig(db: Db, since: Date): Promise<ConfigEventCounts[]> {
  const counts = statuses.map((status) => `count(*) FILTER (WHERE ${currentStatus} = '${status}') AS ${status}`).join(', ');
  const { rows } = await db.raw<{ rows: CountRow[] }>(
    `SELECT c.id, c.key, c.is_enabled, ${statuses.map((status) => `coalesce(n.${status}, 0) AS ${status}`).join(', ')}
     FROM webhook_configs c LEFT JOIN (
       SELECT e.config_id, ${counts} FROM ${eventWithQueue}
       WHERE e.received_at >= :since AND e.config_id IS NOT NULL GROUP BY e.config_id) n ON n.config_id = c.id
     ORDER BY c.key, c.id`,
    { since },
  );
  // pg gives count(*) (int8) and ids as strings, PGlite as numbers.
  return rows.map((row) => ({
    configId: Number(row.id),
    configKey: row.key,
    isEnabled: row.is_enabled,
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    dead: Number(row.dead),
    queued: Number(row.queued),
    processing: Number(row.processing),
    rejected: Number(row.rejected),
  }));
}

type CountRow = { id: string | number; key: string; is_enabled: boolean } & Record<(typeof statuses)[number], string | number>;
