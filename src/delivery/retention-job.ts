import type { Logger } from 'pino';
import type { Db } from '../store/open-database.js';
import { purgeFinishedEvents } from '../store/purge-finished-events.js';

const dayMs = 86_400_000;

export interface RetentionJobOptions {
  readonly db: Db;
  readonly log: Logger;
  readonly clock: () => Date;
  /** EVENT_RETENTION_DAYS (> 0): finished and rejected events older than this are purged. */
  readonly retentionDays: number;
  /** Time between runs. */
  readonly intervalMs?: number;
  /** Events deleted per statement: keeps each transaction and its locks short. */
  readonly batchSize?: number;
  /** Batches per run, so one run ends even while events keep expiring. */
  readonly maxBatches?: number;
}

/** The background purge of old events; every process may run one (see purgeFinishedEvents). */
export interface RetentionJob {
  start(): void;
  /** Purges one run's worth of batches now; answers how many events were deleted. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 100;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let started = false;
  let closing = false;

  async function runOnce(): Promise<number> {
    const before = new Date(options.clock().getTime() - options.retentionDays * dayMs);
    let deleted = 0;
    for (let batch = 0; batch < maxBatches && !closing; batch += 1) {
      const count = await purgeFinishedEvents(options.db, { before, limit: batchSize });
      deleted += count;
      if (count < batchSize) break;
    }
    if (deleted > 0) options.log.info({ deleted, before }, 'retention: purged finished and rejected events');
    return deleted;
  }

  function schedule(delayMs: number): void {
    if (closing) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => options.log.warn({ err: error }, 'retention: purge failed; retrying at the next run'))
        .finally(() => schedule(intervalMs));
    }, delayMs);
    timer.unref();
  }

  return {
    start() {
      if (started) return;
      started = true;
      // The first run comes soon after boot, so a service restarted often still purges.
      schedule(Math.min(intervalMs, 60_000));
    },
    runOnce,
    async stop() {
      closing = true;
      clearTimeout(timer);
      await running;
    },
  };
}
