import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { extendEventLeases, leaseKey } from '../store/event-leases.js';

/** A lease held while an attempt runs and settles. */
export interface LeaseKeeper {
  /** Aborts once the lease is lost, or before it runs out when it could not be extended. */
  readonly signal: AbortSignal;
  /** The `performance.now()` until which this process surely holds the lease. */
  heldUntil(): number;
  stop(): void;
}

/** Keeps every lease this process holds, sync and async alike. */
export interface LeaseKeepers {
  /**
   * Keeps the lease on `eventId` for `attempt`, taken by a statement sent at `since`
   * (`performance.now()`, see noteSent), until the keeper is stopped or the lease is lost.
   */
  keep(lease: { readonly eventId: number; readonly attempt: number; readonly since: number }): LeaseKeeper;
}

export interface LeaseKeepersOptions {
  readonly db: Knex;
  readonly log: Logger;
  /** This process, as it appears in leases (the worker id). */
  readonly owner: string;
  readonly leaseMs: number;
}

/** How long before a lease ends an execution that could not extend it is stopped. */
export function leaseMarginMs(leaseMs: number): number {
  return Math.min(5_000, leaseMs / 5);
}

interface Held {
  readonly eventId: number;
  readonly attempt: number;
  readonly controller: AbortController;
  heldUntil: number;
}

/**
 * Extends every lease this process holds every third of `leaseMs`, on the database's clock, in one
 * statement, so an execution may run as long as its own timeout; one timer for all of them, however
 * many run. The process's own clock is never compared with a lease's end: it only measures,
 * monotonically, the time since the extension was sent. A lease found gone aborts its own execution
 * only; a lease that could not be extended until the margin before its end aborts too, before
 * another worker may take the event.
 */
export function createLeaseKeepers(options: LeaseKeepersOptions): LeaseKeepers {
  const margin = leaseMarginMs(options.leaseMs);
  const held = new Set<Held>();
  let interval: NodeJS.Timeout | undefined;
  let expiry: { timer: NodeJS.Timeout; at: number } | undefined;
  let extending = false;

  const release = (lease: Held) => {
    held.delete(lease);
    if (held.size === 0) {
      clearInterval(interval);
      interval = undefined;
      clearTimeout(expiry?.timer);
      expiry = undefined;
    }
  };
  const lose = (lease: Held, reason: string) => {
    options.log.warn({ eventId: lease.eventId, attempt: lease.attempt, reason }, 'lease lost; stopping the execution');
    release(lease);
    lease.controller.abort(new Error(reason));
  };
  /** One timer, due when the first lease would run into its margin. */
  const armExpiry = () => {
    let first = Number.POSITIVE_INFINITY;
    for (const lease of held) first = Math.min(first, lease.heldUntil - margin);
    if (expiry?.at === first) return;
    clearTimeout(expiry?.timer);
    expiry = undefined;
    if (first === Number.POSITIVE_INFINITY) return;
    expiry = { at: first, timer: setTimeout(expire, Math.max(0, first - performance.now())) };
  };
  function expire() {
    expiry = undefined;
    const now = performance.now();
    for (const lease of [...held]) {
      if (lease.heldUntil - margin <= now) lose(lease, 'the lease could not be extended before it ran out');
    }
    armExpiry();
  }
  const extend = async () => {
    if (extending || held.size === 0) return;
    extending = true;
    const batch = [...held];
    let sentAt = performance.now();
    try {
      const still = await extendEventLeases(options.db, {
        owner: options.owner,
        leaseMs: options.leaseMs,
        leases: batch.map((lease) => ({ id: lease.eventId, attempt: lease.attempt })),
        sent: (at) => {
          sentAt = at;
        },
      });
      for (const lease of batch) {
        if (!held.has(lease)) continue;
        if (still.has(leaseKey(lease.eventId, lease.attempt))) lease.heldUntil = sentAt + options.leaseMs;
        else lose(lease, 'another worker holds the event now, or it was released');
      }
      armExpiry();
    } catch (error) {
      options.log.warn({ err: error, leases: batch.length }, 'cannot extend leases; retrying');
    } finally {
      extending = false;
    }
  };

  return {
    keep({ eventId, attempt, since }) {
      const lease: Held = { eventId, attempt, controller: new AbortController(), heldUntil: since + options.leaseMs };
      held.add(lease);
      interval ??= setInterval(() => void extend(), Math.max(1, Math.floor(options.leaseMs / 3)));
      if (!expiry || lease.heldUntil - margin < expiry.at) armExpiry();
      return {
        signal: lease.controller.signal,
        heldUntil: () => lease.heldUntil,
        stop: () => {
          if (held.has(lease)) release(lease);
        },
      };
    },
  };
}
