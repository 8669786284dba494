import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import { settleAttempt } from '../store/webhook-events.js';
import type { LeaseKeeper } from './lease-keeper.js';

/** How long a sync caller waits for its event's outcome to be stored through a store outage. */
export function syncSettleWaitMs(leaseMs: number): number {
  return Math.min(2_000, leaseMs / 5);
}

const firstRetryMs = 50;
const maxRetryMs = 1_000;

/**
 * Settles an attempt (see settleAttempt), retrying while the store is unreachable and this process
 * still holds the lease, so that an event that ran is not run again for want of one statement.
 * True once settled; false when the lease was lost (another worker owns the event); undefined when
 * the store stayed unreachable until the lease ran out (the event is then run again, as after a crash).
 */
export async function settleWithRetries(
  deps: { readonly db: Knex; readonly log: Logger },
  lease: Pick<LeaseKeeper, 'heldUntil'>,
  attempt: Parameters<typeof settleAttempt>[1],
  event: Parameters<typeof settleAttempt>[2],
): Promise<boolean | undefined> {
  for (let waitMs = firstRetryMs; ; waitMs = Math.min(maxRetryMs, waitMs * 2)) {
    try {
      const settled = await settleAttempt(deps.db, attempt, event);
      if (!settled)
        deps.log.warn(
          { eventId: event.id, attempt: event.attempt },
          'lease lost before the attempt settled; another worker owns the event',
        );
      return settled;
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      const leftMs = lease.heldUntil() - performance.now();
      if (leftMs <= 0) {
        deps.log.error(
          { err: error, eventId: event.id },
          'cannot store the outcome of an attempt before its lease ran out; it will run again',
        );
        return undefined;
      }
      deps.log.warn({ err: error, eventId: event.id }, 'cannot store the outcome of an attempt yet; retrying');
      await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, leftMs)));
    }
  }
}
