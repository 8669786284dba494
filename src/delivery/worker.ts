import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { WebhookEvent } from '../domain/webhook-event.js';
import { claimDueEvents, releaseWebhookEvents } from '../store/event-leases.js';

export interface WorkerOptions {
  readonly db: Knex;
  /** Decides when queued events are due (retry schedules); leases run on the database's clock. */
  readonly clock: () => Date;
  readonly log: Logger;
  readonly workerId: string;
  readonly concurrency: number;
  readonly pollMs: number;
  readonly leaseMs: number;
  /**
   * Runs one claimed event to its next state; never throws for a failed execution. `leaseSince`:
   * `performance.now()` when the claim that leased it was sent on its connection.
   */
  readonly run: (event: WebhookEvent, leaseSince: number) => Promise<unknown>;
}

/** The background half of the inbox: claims due events and runs them, a bounded number at a time. */
export interface Worker {
  start(): void;
  /** Looks for due events now instead of at the next poll (after a local accept). */
  wake(): void;
  /** Claims and runs due events until none are left: for tests and tools, with the loop stopped. */
  drain(): Promise<number>;
  /** Stops claiming; lets in-flight events finish for up to `graceMs`, then hands their leases back. */
  stop(graceMs?: number): Promise<void>;
}

const failureBackoffMs = 1_000;

export function createWorker(options: WorkerOptions): Worker {
  const inFlight = new Map<number, Promise<void>>();
  let started = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking = false;
  let tickAgain = false;

  const schedule = (delayMs: number) => {
    if (!started || stopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
  };

  const claim = async (limit: number): Promise<{ events: WebhookEvent[]; leaseSince: number }> => {
    let leaseSince = performance.now();
    const sent = (at: number) => {
      leaseSince = at;
    };
    const events = await claimDueEvents(options.db, {
      owner: options.workerId,
      now: options.clock(),
      leaseMs: options.leaseMs,
      limit,
      sent,
    });
    return { events, leaseSince };
  };

  const track = (event: WebhookEvent, leaseSince: number): Promise<void> => {
    const running = options.run(event, leaseSince).then(
      () => undefined,
      (error: unknown) => options.log.error({ err: error, eventId: event.id }, 'event run failed; its lease will expire'),
    );
    const tracked = running.finally(() => {
      inFlight.delete(event.id);
      schedule(0);
    });
    inFlight.set(event.id, tracked);
    return tracked;
  };

  const tick = async () => {
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = true;
    let nextDelay = options.pollMs;
    try {
      const free = options.concurrency - inFlight.size;
      if (free > 0) {
        const { events, leaseSince } = await claim(free);
        for (const event of events) void track(event, leaseSince);
      }
    } catch (error) {
      options.log.warn({ err: error }, 'cannot claim events; retrying');
      nextDelay = Math.max(options.pollMs, failureBackoffMs);
    } finally {
      ticking = false;
    }
    if (tickAgain) {
      tickAgain = false;
      nextDelay = 0;
    }
    schedule(nextDelay);
  };

  return {
    start() {
      if (started || options.concurrency === 0) return;
      started = true;
      schedule(0);
    },
    wake: () => schedule(0),
    async drain() {
      let count = 0;
      for (;;) {
        const { events, leaseSince } = await claim(Math.max(1, options.concurrency));
        if (events.length === 0) return count;
        count += events.length;
        await Promise.all(events.map((event) => track(event, leaseSince)));
      }
    },
    async stop(graceMs = 5_000) {
      stopping = true;
      clearTimeout(timer);
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all(inFlight.values()), grace]);
      clearTimeout(graceTimer);
      if (inFlight.size === 0) return;
      const released = await releaseWebhookEvents(options.db, options.workerId, [...inFlight.keys()], options.clock()).catch(
        (error: unknown) => void options.log.error({ err: error }, 'cannot release leases; they will expire'),
      );
      options.log.info({ released }, 'released unfinished events');
    },
  };
}
