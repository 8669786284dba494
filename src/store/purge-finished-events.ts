import type { EventStatus } from '../domain/webhook-event.js';
import type { Db } from './open-database.js';

/** Statuses an event never leaves by itself: the only ones retention may purge. */
const purgeableStatuses = ['succeeded', 'failed', 'dead', 'rejected'] as const satisfies readonly EventStatus[];

/**
 * Deletes up to `limit` finished or rejected events received and completed before `before`, with
 * their attempts (ON DELETE CASCADE); answers how many. Queued and processing events are never
 * touched; rows another process is purging or replaying are skipped (SKIP LOCKED), and the locked
 * rows are re-checked, so a replay that requeued one in between keeps it.
 */
export async function purgeFinishedEvents(db: Db, purge: { before: Date; limit: number }): Promise<number> {
  const ids = db('webhook_events')
    .select('id')
    .whereIn('status', purgeableStatuses)
    .where('received_at', '<', purge.before)
    .whereRaw('coalesce(completed_at, received_at) < ?', [purge.before])
    .orderBy('id')
    .limit(purge.limit)
    .forUpdate()
    .skipLocked();
  const deleted = await db('webhook_events').whereIn('id', ids).whereIn('status', purgeableStatuses).delete().returning('id');
  return deleted.length;
}
