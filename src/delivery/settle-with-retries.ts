import type { Logger } from 'pino';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import type { AttemptSettlement } from '../store/settle-attempts.js';
import type { LeaseKeeper } from './lease-keeper.js';
import type { SettleAttempt } from './settle-batches.js';

/** How long a sync caller waits for its event's outcome to be stored through a store outage. */
export function syncSettleWaitMs(leaseMs: number): number {
  return Math.min(2_000, leaseMs / 5);
}

const firstRetryMs = 50;
const maxRetryMs = 1_000;

/**
 * Settles an attempt (see settleAttempts), retrying while the store is unreachable and this process
 * still holds the lease, so that an event that ran is not run again for want of one statement.
 * True once settled; false when the lease was lost (another worker owns the event); undefined when
 * the store stayed unreachable until the lease ran out (the event is then run again, as after a crash).
 */
export async function settleWithRetries(
  deps: { readonly settle: SettleAttempt; readonly log: Logger },
  lease: Pick<LeaseKeeper, 'heldUntil'>,
  attempt: AttemptSettlement['attempt'],
  event: AttemptSettlement['event'],
): Promise<boolean | undefined> {
  for (let waitMs = firstRetryMs; ; waitMs = Math.min(maxRetryMs, waitMs * 2)) {
    try {
      const settled = await deps.settle({ attempt, event });
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
