import type { Db } from './open-database.js';

/** One minute's events by their current status. */
export interface EventCountsByMinute {
  /** The minute's start. */
  readonly minute: Date;
  /** Every event received in the minute and not rejected. */
  readonly accepted: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly dead: number;
}

/**
 * Events received since `since` (and before `until`), counted per minute of their arrival, oldest
 * minute first; minutes without events are left out. One GROUP BY over the received_at indexes.
 */
export async function countEventsByMinute(
  db: Db,
  range: { readonly since: Date; readonly until: Date; readonly configId?: number },
): Promise<EventCountsByMinute[]> {
  const minute = db.raw(`date_trunc('minute', received_at)`);
  const rows = (await db('webhook_events')
    .select(db.raw(`date_trunc('minute', received_at) AS minute`))
    .select(db.raw(`count(*) FILTER (WHERE status <> 'rejected') AS accepted`))
    .select(db.raw(`count(*) FILTER (WHERE status = 'succeeded') AS succeeded`))
    .select(db.raw(`count(*) FILTER (WHERE status = 'failed') AS failed`))
    .select(db.raw(`count(*) FILTER (WHERE status = 'dead') AS dead`))
    .where('received_at', '>=', range.since)
    .where('received_at', '<', range.until)
    .modify((q) => {
      if (range.configId !== undefined) q.where({ config_id: range.configId });
    })
    .groupBy(minute)
    .orderBy('minute')) as CountRow[];
  // pg gives count(*) (int8) as strings, PGlite as numbers.
  return rows.map((row) => ({
    minute: new Date(row.minute),
    accepted: Number(row.accepted),
    succeeded: Number(row.succeeded),
    failed: Number(row.failed),
    dead: Number(row.dead),
  }));
}

interface CountRow {
  minute: Date | string;
  accepted: string | number;
  succeeded: string | number;
  failed: string | number;
  dead: string | number;
}
