import type { Logger } from 'pino';
import { releaseStrayHeldEvents } from '../store/delivery-pause.js';
import { promoteFirstWaitingEvents } from '../store/ordering-keys.js';
import { vacuumEventQueue } from '../store/vacuum-event-queue.js';
import type { Knex } from 'knex';

export interface QueueUpkeepOptions {
  readonly db: Knex;
  readonly log: Logger;
  /** Time between two vacuums of the queue table. */
  readonly intervalMs?: number;
}

/** The queue table's own vacuum, run by every process (see vacuumEventQueue). */
export interface QueueUpkeep {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Vacuums the queue table every few seconds. Every event leaves two or three dead row versions
 * there, and their index entries sit where each claim's walk in due order starts: unvacuumed, the
 * walk grows with every event drained since (15 ms a claim after 200,000 events, 0.2 ms after a
 * VACUUM, measured in BENCHMARKS.md). Autovacuum does this where it is on (the migration sets its
 * thresholds to a few hundred rows); where it is off, or behind, this keeps the claim O(batch).
 * The table holds only due and running events, so a vacuum reads a few pages. Each run first gives
 * back events still held for a configuration no longer paused (releaseStrayHeldEvents), and
 * their due time to waiting events now first of their ordering key (promoteFirstWaitingEvents).
 */
export function createQueueUpkeep(options: QueueUpkeepOptions): QueueUpkeep {
  const intervalMs = options.intervalMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let closing = false;

  function schedule(): void {
    if (closing) return;
    timer = setTimeout(() => {
      running = releaseStrayHeldEvents(options.db)
        .then(() => promoteFirstWaitingEvents(options.db))
        .then(() => vacuumEventQueue(options.db))
        .catch((error: unknown) => options.log.warn({ err: error }, 'queue upkeep failed; retrying at the next run'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  return {
    start() {
      if (timer || closing) return;
      schedule();
    },
    async stop() {
      closing = true;
      clearTimeout(timer);
      await running;
    },
  };
}
