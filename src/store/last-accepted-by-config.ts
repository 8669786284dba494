import type { Db } from './open-database.js';

/** A configuration with when it last accepted a webhook (null: none in the event log). */
export interface LastAccepted {
  readonly configId: number;
  readonly configKey: string;
  readonly source: string | null;
  readonly isEnabled: boolean;
  readonly createdAt: Date;
  readonly expectedEverySeconds: number | null;
  readonly lastAcceptedAt: Date | null;
}

/**
 * When each configuration last accepted (stored for execution) a webhook: per configuration, one
 * backward step down the event log's (config_id, received_at DESC) index, week partitions newest
 * first, so the cost follows the number of configurations, not the length of the log, and the ingest
 * path writes nothing for it. Refused requests kept as `rejected` events are stepped over; they are
 * few, as at most REFUSED_STORED_PER_MINUTE a minute are stored. `ids` narrows it to some
 * configurations (a page of a list); without it, every enabled one (for /metrics).
 */
export async function findLastAcceptedByConfig(db: Db, ids?: readonly number[]): Promise<LastAccepted[]> {
  if (ids?.length === 0) return [];
  const rows = (await db('webhook_configs as c')
    .select('c.id', 'c.key', 'c.source', 'c.is_enabled', 'c.created_at', 'c.expected_every_seconds')
    .select(
      db.raw(`(SELECT e.received_at FROM webhook_events e
                WHERE e.config_id = c.id AND e.status <> 'rejected'
                ORDER BY e.received_at DESC LIMIT 1) AS last_accepted_at`),
    )
    .modify((q) => {
      if (ids === undefined) q.where('c.is_enabled', true);
      else q.whereIn('c.id', ids);
    })
    .orderBy('c.key')) as {
    id: string | number;
    key: string;
    source: string | null;
    is_enabled: boolean;
    created_at: Date | string;
    expected_every_seconds: number | null;
    last_accepted_at: Date | string | null;
  }[];
  return rows.map((row) => ({
    configId: Number(row.id),
    configKey: row.key,
    source: row.source,
    isEnabled: row.is_enabled,
    createdAt: new Date(row.created_at),
    expectedEverySeconds: row.expected_every_seconds,
    lastAcceptedAt: row.last_accepted_at === null ? null : new Date(row.last_accepted_at),
  }));
}
