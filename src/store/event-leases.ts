import type { Db } from './open-database.js';
import { leaseEnd } from './webhook-events.js';

/**
 * Extends, to `leaseMs` from the database's now, every lease `owner` holds on these events for these
 * very attempts, in one statement. Returns the leases still held (`leaseKey`); one missing is gone:
 * settled, released, or taken by another worker after it expired. Rows are found by primary key; a
 * lease owner is only ever set with status 'processing', so the owner is the whole test (a test on
 * the status would invite the partial index on it, see settleAttempts).
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
    `UPDATE webhook_events e SET available_at = ?
     FROM unnest(?::bigint[], ?::integer[]) AS l(id, attempt)
     WHERE e.id = ANY(?::bigint[]) AND e.id = l.id AND e.attempts = l.attempt AND e.lease_owner = ?
     RETURNING e.id, e.attempts`,
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
  const count = await db('webhook_events')
    .whereIn('id', ids)
    .where({ lease_owner: owner, status: 'processing' })
    .update({ status: 'queued', lease_owner: null, available_at: now, max_attempts: db.raw('max_attempts + 1') });
  return Number(count);
}
