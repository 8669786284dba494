import type { ProcessStatus } from '../domain/process-instance.js';
import type { Db } from './open-database.js';

/** How many process instances are in each status, read at scrape time. */
export async function countProcessInstancesByStatus(db: Db): Promise<{ status: ProcessStatus; count: number }[]> {
  const rows = (await db('process_instances').select('status').count({ count: '*' }).groupBy('status')) as {
    status: ProcessStatus;
    count: string | number;
  }[];
  return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
}
