import type { Db } from './open-database.js';

/**
 * The id of a configuration's event received since `since` that has succeeded, if any: one short
 * walk of webhook_events_config (config_id, received_at DESC), the newest first.
 */
export async function findSuccessSince(db: Db, configId: number, since: Date): Promise<number | undefined> {
  const row = (await db('webhook_events')
    .select('id')
    .where({ config_id: configId, status: 'succeeded' })
    .where('received_at', '>=', since)
    .orderBy('received_at', 'desc')
    .first()) as { id: string | number } | undefined;
  return row === undefined ? undefined : Number(row.id);
}
