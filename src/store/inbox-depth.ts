import { queueTable } from './event-queue-state.js';
import type { Db } from './open-database.js';

/** Events waiting or running for one source, and how long the oldest due one has waited. */
export interface InboxDepth {
  readonly source: string;
  readonly queued: number;
  readonly processing: number;
  /** Seconds since the oldest queued event became due (0 when none is due). */
  readonly oldestDueAgeSeconds: number;
}

/** The inbox's backlog per source, read at scrape time from the queue rows alone (event-queue-state.ts). */
export async function countInboxBySource(db: Db, now: Date): Promise<InboxDepth[]> {
  const rows = (await db(queueTable)
    .select('source')
    // A parked row is a dead event holding its ordering key (ordering-keys.ts), not a queued one.
    .select(db.raw('count(*) FILTER (WHERE lease_owner IS NULL AND NOT parked) AS queued'))
    .select(db.raw('count(*) FILTER (WHERE lease_owner IS NOT NULL) AS processing'))
    .select(db.raw('min(due_at) FILTER (WHERE lease_owner IS NULL AND due_at <= ?) AS oldest_due', [now]))
    .groupBy('source')) as {
    source: string;
    queued: string | number;
    processing: string | number;
    oldest_due: Date | string | null;
  }[];
  return rows.map((row) => ({
    source: row.source,
    queued: Number(row.queued),
    processing: Number(row.processing),
    oldestDueAgeSeconds: row.oldest_due === null ? 0 : Math.max(0, (now.getTime() - new Date(row.oldest_due).getTime()) / 1_000),
  }));
}

/** The event that has waited longest since it became due (none held, parked or running), if any. */
export async function findOldestDueEvent(db: Db, now: Date): Promise<number | undefined> {
  const row = (await db(queueTable)
    .select('event_id')
    .whereNull('lease_owner')
    .where('parked', false)
    .where('due_at', '<=', now)
    .orderBy([{ column: 'due_at' }, { column: 'event_id' }])
    .first()) as { event_id: string | number } | undefined;
  return row === undefined ? undefined : Number(row.event_id);
}
