import type { Db } from './open-database.js';
import { leaseEnd } from './webhook-events.js';

/**
 * Extends, to `leaseMs` from the database's now, every lease `owner` holds on these events for these
 * very attempts, in one statement. Returns the leases still held (`leaseKey`); one missing is gone:
 * settled, released, or taken by another worker after it expired. Only queue rows are written
 * (event-queue-state.ts), found by primary key.
 */
export async function extendEventLeases(
  db: Db,
  extension: {
    readonly owner: string;
    readonly leaseMs: number;
    readonly leases: readonly { readonly id: number; readonly attempt: number }[];
    readonly sent?: LeaseClock;
  },
): Promise<Set<string>> {
  if (extension.leases.length === 0) return new Set();
  const ids = extension.leases.map((lease) => lease.id);
  const query = db.raw<{ rows: { id: string | number; attempts: number }[] }>(
    `UPDATE webhook_event_queue q SET due_at = ?
     FROM unnest(?::bigint[], ?::integer[]) AS l(id, attempt)
     WHERE q.event_id = ANY(?::bigint[]) AND q.event_id = l.id AND q.attempts = l.attempt AND q.lease_owner = ?
     RETURNING q.event_id AS id, q.attempts`,
    [leaseEnd(db, extension.leaseMs), ids, extension.leases.map((lease) => lease.attempt), ids, extension.owner],
  );
  const { rows } = await noteSent(query, extension.sent);
  return new Set(rows.map((row) => leaseKey(Number(row.id), Number(row.attempts))));
}

/** Names one lease: an event and the attempt it is held for. */
export function leaseKey(id: number, attempt: number): string {
  return `${id}:${attempt}`;
}

/**
 * Told `performance.now()` when a statement that takes or extends a lease is sent on its connection,
 * after any wait for one: the lease cannot start before that moment.
 */
export type LeaseClock = (at: number) => void;

/** Calls `sent` as knex hands the statement to its connection. */
export function noteSent<T extends { on(event: 'query', listener: () => void): unknown }>(
  query: T,
  sent: LeaseClock | undefined,
): T {
  if (sent) query.on('query', () => sent(performance.now()));
  return query;
}

/**
 * Hands leased events back to the queue (graceful shutdown): due now, for any worker. The attempt
 * handed back does not count against the budget (it shows as interrupted; one more is allowed), so
 * a restart during an event's last attempt does not dead-letter it unrun.
 */
export async function releaseWebhookEvents(db: Db, owner: string, ids: readonly number[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const count = await db('webhook_event_queue')
    .whereIn('event_id', ids)
    .where({ lease_owner: owner })
    .update({ lease_owner: null, due_at: now, max_attempts: db.raw('max_attempts + 1') });
  return Number(count);
}
