import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { WebhookEvent } from '../domain/webhook-event.js';
import { type LeaseClock, releaseWebhookEvents } from '../store/event-leases.js';
import type { ClaimedRun } from './claim-attempts.js';
import type { LimitAdmissionPass } from './limit-admission.js';
import type { AttemptStart } from './run-attempt.js';

export interface WorkerOptions {
  readonly db: Knex;
  /** Stamps the release of unfinished events at shutdown. */
  readonly clock: () => Date;
  readonly log: Logger;
  readonly workerId: string;
  /** Events run at once; a claim takes as many as there are free slots, in one statement. */
  readonly concurrency: number;
  /** The safety net: how often an idle worker looks for due events without being woken. */
  readonly pollMs: number;
  /**
   * Leases up to `limit` due events to this worker and opens their attempts, in one statement (see
   * claimAttempts); `sent` is told when that statement went out (the leases start then).
   */
  readonly claim: (limit: number, sent: LeaseClock) => Promise<readonly ClaimedRun[]>;
  /** Lets events of limited configurations through their limits before each claim (see limit-admission.ts). */
  readonly admission?: LimitAdmissionPass;
  /** Runs one opened attempt to its event's next state; never throws for a failed execution. */
  readonly run: (event: WebhookEvent, start: AttemptStart) => Promise<unknown>;
}

/** The background half of the inbox: claims due events in batches and runs them, a bounded number at a time. */
export interface Worker {
  start(): void;
  /** Work is waiting (an event accepted here, or a notification from another process): claim now, not at the next poll. */
  wake(): void;
  /** Claims and runs due events until none are left: for tests and tools, with the loop stopped. */
  drain(): Promise<number>;
  /** Stops claiming; lets in-flight events finish for up to `graceMs`, then hands their leases back. */
  stop(graceMs?: number): Promise<void>;
}

const failureBackoffMs = 1_000;

/**
 * Claims up to the free slots and opens their attempts in one statement, and runs
 * them side by side (their settles are grouped too, see settle-batches.ts). A claim that came back
 * short means nothing else is due: the worker then sleeps until it is woken (a local accept, a
 * NOTIFY from another process) or its poll comes, instead of claiming again as each event ends.
 * Slots are refilled once a quarter of them are free, so claims stay batches under load.
 */
export function createWorker(options: WorkerOptions): Worker {
  const inFlight = new Map<number, Promise<void>>();
  const refillAt = Math.max(1, Math.floor(options.concurrency / 4));
  let started = false;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;
  let tickAgain = false;
  /** The last claim found fewer due events than it asked for; nothing was announced since. */
  let queueLooksEmpty = false;
  /** When the last claim went out (performance.now()): an idle worker claims again once pollMs has passed. */
  let claimedAt = Number.NEGATIVE_INFINITY;

  const schedule = (delayMs: number) => {
    if (!started || stopping) return;
    clearTimeout(timer);
    timer = setTimeout(() => void tick(), delayMs);
  };

  const claimBatch = async (limit: number): Promise<{ event: WebhookEvent; start: AttemptStart }[]> => {
    let leaseSince = performance.now();
    const runs = await options.claim(limit, (at) => {
      leaseSince = at;
    });
    queueLooksEmpty = runs.length < limit;
    return runs.map(({ event, opened }) => ({ event, start: { leaseSince, opened } }));
  };

  const track = (event: WebhookEvent, start: AttemptStart): Promise<void> => {
    const running = options.run(event, start).then(
      () => undefined,
      (error: unknown) => options.log.error({ err: error, eventId: event.id }, 'event run failed; its lease will expire'),
    );
    const tracked = running.finally(() => {
      inFlight.delete(event.id);
      if (!queueLooksEmpty && options.concurrency - inFlight.size >= refillAt) schedule(0);
    });
    inFlight.set(event.id, tracked);
    return tracked;
  };

  const claimAndRun = async (): Promise<number> => {
    const free = options.concurrency - inFlight.size;
    if (free < refillAt && inFlight.size > 0) return options.pollMs;
    try {
      const admission = await options.admission?.run(free);
      // A look at the limits that let nothing through claims nothing: an idle queue is polled every
      // pollMs, however often the admission looks.
      const untilPoll = claimedAt + options.pollMs - performance.now();
      if (admission && admission.admitted === 0 && queueLooksEmpty && untilPoll > 0) {
        return Math.min(untilPoll, admission.lookAgainInMs);
      }
      claimedAt = performance.now();
      for (const { event, start } of await claimBatch(free)) void track(event, start);
      return admission ? Math.min(options.pollMs, admission.lookAgainInMs) : options.pollMs;
    } catch (error) {
      options.log.warn({ err: error }, 'cannot claim events; retrying');
      return Math.max(options.pollMs, failureBackoffMs);
    }
  };

  const tick = async () => {
    if (ticking) {
      tickAgain = true;
      return;
    }
    const running = claimAndRun();
    ticking = running.then(() => undefined);
    let nextDelay = await running;
    ticking = undefined;
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
    wake() {
      queueLooksEmpty = false;
      schedule(0);
    },
    async drain() {
      let count = 0;
      for (;;) {
        await options.admission?.run(Math.max(1, options.concurrency), true);
        const batch = await claimBatch(Math.max(1, options.concurrency));
        if (batch.length === 0) return count;
        count += batch.length;
        await Promise.all(batch.map(({ event, start }) => track(event, start)));
      }
    },
    async stop(graceMs = 5_000) {
      stopping = true;
      clearTimeout(timer);
      // A claim under way ends first, so that what it claimed is counted below.
      await ticking;
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
