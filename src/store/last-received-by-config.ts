import type { Db } from './open-database.js';

/** When an enabled configuration last received an event (null: never), and since when it has existed. */
export interface LastReceived {
  readonly configId: number;
  readonly configKey: string;
  readonly createdAt: Date;
  readonly lastReceivedAt: Date | null;
}

/**
 * The newest event of each enabled configuration: one backward step down webhook_events_config
 * (config_id, received_at DESC) per configuration, so the cost follows the number of configurations,
 * not the length of the event log. `keys` narrows it to some configurations.
 */
export async function findLastReceivedByConfig(db: Db, keys?: readonly string[]): Promise<LastReceived[]> {
  const rows = (await db('webhook_configs as c')
    .select('c.id', 'c.key', 'c.created_at')
    .select(db.raw('(SELECT max(e.received_at) FROM webhook_events e WHERE e.config_id = c.id) AS last_received_at'))
    .where('c.is_enabled', true)
    .modify((q) => {
      if (keys !== undefined) q.whereRaw('lower(c.key) = ANY(?)', [keys.map((key) => key.toLowerCase())]);
    })
    .orderBy('c.key')) as {
    id: string | number;
    key: string;
    created_at: Date | string;
    last_received_at: Date | string | null;
  }[];
  return rows.map((row) => ({
    configId: Number(row.id),
    configKey: row.key,
    createdAt: new Date(row.created_at),
    lastReceivedAt: row.last_received_at === null ? null : new Date(row.last_received_at),
  }));
}
