import type { Db } from './open-database.js';

/** The ids of the enabled configurations (a few hundred rows at most: the configuration table, not the event log). */
export async function findEnabledConfigIds(db: Db): Promise<Set<number>> {
  const rows = (await db('webhook_configs').select('id').where({ is_enabled: true })) as { id: string | number }[];
  return new Set(rows.map((row) => Number(row.id)));
}
