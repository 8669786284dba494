import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { extendEventLease } from '../store/event-leases.js';

/** A lease held while an attempt runs and settles. */
export interface LeaseKeeper {
  /** Aborts once the lease is lost, or before it runs out when it could not be extended. */
  readonly signal: AbortSignal;
  /** The `performance.now()` until which this process surely holds the lease. */
  heldUntil(): number;
  stop(): void;
}

export interface LeaseKeeperOptions {
  readonly db: Knex;
  readonly log: Logger;
  readonly eventId: number;
  readonly owner: string;
  readonly attempt: number;
  readonly leaseMs: number;
  /** `performance.now()` when the statement that took the lease was sent (see noteSent). */
  readonly since: number;
}

/** How long before a lease ends an execution that could not extend it is stopped. */
export function leaseMarginMs(leaseMs: number): number {
  return Math.min(5_000, leaseMs / 5);
}

/**
 * Extends the lease every third of `leaseMs` on the database's clock, so an execution may run as
 * long as its own timeout. The process's own clock is never compared with the lease's end: it only
 * measures, monotonically, the time since the last extension was sent. When extending fails until
 * the margin before that end, or the lease is found gone, the signal aborts and the execution stops
 * before another worker may take the event.
 */
export function keepLease(options: LeaseKeeperOptions): LeaseKeeper {
  const controller = new AbortController();
  const margin = leaseMarginMs(options.leaseMs);
  let heldUntil = options.since + options.leaseMs;
  let stopped = false;
  let extending = false;
  let expiry: NodeJS.Timeout | undefined;

  const lose = (reason: string) => {
    if (stopped) return;
    options.log.warn({ eventId: options.eventId, attempt: options.attempt, reason }, 'lease lost; stopping the execution');
    controller.abort(new Error(reason));
    stop();
  };
  const armExpiry = () => {
    clearTimeout(expiry);
    expiry = setTimeout(
      () => lose('the lease could not be extended before it ran out'),
      Math.max(0, heldUntil - margin - performance.now()),
    );
  };
  const extend = async () => {
    if (extending || stopped) return;
    extending = true;
    let sentAt = performance.now();
    try {
      const held = await extendEventLease(options.db, {
        id: options.eventId,
        owner: options.owner,
        attempt: options.attempt,
        leaseMs: options.leaseMs,
        sent: (at) => {
          sentAt = at;
        },
      });
      if (stopped) return;
      if (!held) return lose('another worker holds the event now, or it was released');
      heldUntil = sentAt + options.leaseMs;
      armExpiry();
    } catch (error) {
      options.log.warn({ err: error, eventId: options.eventId }, 'cannot extend the lease; retrying');
    } finally {
      extending = false;
    }
  };
  const interval = setInterval(() => void extend(), Math.max(1, Math.floor(options.leaseMs / 3)));
  function stop() {
    stopped = true;
    clearInterval(interval);
    clearTimeout(expiry);
  }
  armExpiry();
  return { signal: controller.signal, heldUntil: () => heldUntil, stop };
}
