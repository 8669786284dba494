import type { Knex } from 'knex';
import { createGroupCommit } from '../store/group-commit.js';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import { settleAttempts, type AttemptSettlement } from '../store/settle-attempts.js';

/** Settles one attempt; resolves once the statement holding it has committed (see settleAttempts). */
export type SettleAttempt = (settlement: AttemptSettlement) => Promise<boolean>;

/** How settles are grouped: a batch collects for at most a millisecond, on at most two connections at once. */
export const settleBatching = { maxBatch: 64, maxWaitMs: 1, maxInFlight: 2 } as const;

/**
 * Settles concurrent attempts (sync and async alike) by one statement per batch. A batch the store
 * cannot take fails for each of its callers, who retry while their leases last (settleWithRetries).
 */
export function createSettleBatches(db: Knex): SettleAttempt {
  const group = createGroupCommit<AttemptSettlement, boolean>({
    ...settleBatching,
    write: (settlements) => settleAttempts(db, settlements),
    isItemFault: (error) => !isStoreUnavailable(error),
  });
  return (settlement) => group.submit(settlement);
}
