import type { Knex } from 'knex';
import type { Logger } from 'pino';
import {
  dropEventLogPartition,
  ensureEventLogPartitions,
  listEventLogPartitions,
  type EventLogPartition,
} from '../store/event-log-partitions.js';
import { dropExpiredSecrets } from '../store/webhook-secrets.js';

const dayMs = 86_400_000;
/** Weeks of the log made ahead of the clock, so no accept waits for one to be made. */
const weeksAhead = 3;

export interface RetentionJobOptions {
  readonly db: Knex;
  readonly log: Logger;
  readonly clock: () => Date;
  /** EVENT_RETENTION_DAYS: weeks of the log wholly older than this are dropped; 0 keeps everything. */
  readonly retentionDays: number;
  /** Time between runs. */
  readonly intervalMs?: number;
}

/** What one run did. */
export interface RetentionRun {
  readonly dropped: readonly EventLogPartition[];
  /** Weeks past retention kept for now: an event of theirs is queued or running, or the log was busy. */
  readonly kept: readonly EventLogPartition[];
}

/**
 * The store's upkeep, run by every process: a rotation's old secrets removed once expired (they are
 * not used from their expiry on; this takes them out of storage), weeks of the log made ahead of the clock, and with
 * EVENT_RETENTION_DAYS, the weeks wholly older than it dropped (see dropEventLogPartition). Events
 * are kept at least that many days, and at most a week longer. Processes running it at once take
 * turns: making weeks takes an advisory lock, and a week dropped by one is gone for the other.
 */
export interface RetentionJob {
  start(): void;
  runOnce(): Promise<RetentionRun>;
  stop(): Promise<void>;
}

export function createRetentionJob(options: RetentionJobOptions): RetentionJob {
  const intervalMs = options.intervalMs ?? 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let closing = false;

  async function makeWeeksAhead(): Promise<void> {
    const now = options.clock();
    await ensureEventLogPartitions(options.db, { from: now, to: new Date(now.getTime() + weeksAhead * 7 * dayMs) });
  }

  async function runOnce(): Promise<RetentionRun> {
    await makeWeeksAhead();
    const configsWithExpiredSecrets = await dropExpiredSecrets(options.db);
    if (configsWithExpiredSecrets > 0) {
      options.log.info(
        { configs: configsWithExpiredSecrets },
        'retention: removed expired old secrets of rotated configurations',
      );
    }
    if (options.retentionDays === 0) return { dropped: [], kept: [] };
    const before = new Date(options.clock().getTime() - options.retentionDays * dayMs);
    const expired = (await listEventLogPartitions(options.db)).filter((partition) => partition.to <= before);
    const dropped: EventLogPartition[] = [];
    const kept: EventLogPartition[] = [];
    for (const partition of expired) {
      if (closing) break;
      const outcome = await dropEventLogPartition(options.db, partition);
      if (outcome === 'dropped') dropped.push(partition);
      else {
        kept.push(partition);
        options.log.warn({ partition: partition.name, reason: outcome }, 'retention: a week past retention is kept for now');
      }
    }
    if (dropped.length > 0) {
      options.log.info(
        { dropped: dropped.map((partition) => partition.name), before },
        'retention: dropped weeks of the event log',
      );
    }
    return { dropped, kept };
  }

  function schedule(delayMs: number): void {
    if (closing) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((error: unknown) => options.log.warn({ err: error }, 'retention: upkeep failed; retrying at the next run'))
        .finally(() => schedule(intervalMs));
    }, delayMs);
    timer.unref();
  }

  return {
    start() {
      if (timer || closing) return;
      // The first run comes soon after boot, so a service restarted often still drops. Until then,
      // an accept whose week is missing makes it (insertWebhookEvents).
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
