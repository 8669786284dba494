import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/domain/webhook-event.js';
import { claimAttempts } from '../../src/delivery/claim-attempts.js';
import { createSettleBatches } from '../../src/delivery/settle-batches.js';
import { createWorker, type Worker } from '../../src/delivery/worker.js';
import { openDatabase } from '../../src/store/open-database.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';
import { eventually } from '../helpers/webhook-calls.js';

const eventCount = 300;
const receivedAt = new Date('2026-01-01T00:00:00.000Z');

/**
 * Two workers on one database, each with connections of its own on PostgreSQL (one shared
 * connection on PGlite), claiming in batches: every event is handed to exactly one of them, once.
 */
describe.each(engines)('batched claims on %s', (engine) => {
  let database: TestDatabase;
  let second: Knex;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    second =
      engine === 'postgres'
        ? await openDatabase(
            { engine: 'postgres', url: process.env.TEST_DATABASE_URL!, poolMax: 10 },
            {
              searchPath: (await database.db.raw<{ rows: { schema: string }[] }>('SELECT current_schema() AS schema')).rows[0]!
                .schema,
            },
          )
        : database.db;
  });
  afterAll(async () => {
    if (second && second !== database?.db) await second.destroy();
    await database?.destroy();
  });

  it('never hand one event to two workers, and claim more than one event per statement', async () => {
    for (let n = 0; n < eventCount; n += 1) {
      await insertWebhookEvent(database.db, {
        configId: null,
        configKey: 'gone',
        configVersion: null,
        source: 'router',
        method: 'POST',
        path: 'batch',
        headers: {},
        query: {},
        rawBody: Buffer.from(`{"n":${n}}`),
        clientIp: '127.0.0.1',
        receivedAt,
        idempotencyKey: null,
        responseMode: 'async',
        status: 'queued',
        attempts: 0,
        maxAttempts: 3,
        availableAt: receivedAt,
        leaseOwner: null,
        trace: {},
      });
    }
    const runs: { eventId: number; worker: string }[] = [];
    const batchSizes: number[] = [];
    // No run ends before both workers hold some: each claim then races the other worker's.
    let bothClaimed: () => void = () => {};
    const bothHaveRuns = new Promise<void>((resolve) => (bothClaimed = resolve));
    const workerOn = (db: Knex, workerId: string): Worker => {
      const settle = createSettleBatches(db);
      const deps = { db, clock: () => new Date(), workerId, leaseMs: 60_000, configs: { find: async () => undefined } };
      return createWorker({
        ...deps,
        log: silentLog,
        concurrency: 16,
        pollMs: 20,
        claim: async (limit, sent) => {
          const runs = await claimAttempts(deps, limit, sent);
          if (runs.length > 0) batchSizes.push(runs.length);
          return runs;
        },
        run: async (event: WebhookEvent, start) => {
          runs.push({ eventId: event.id, worker: workerId });
          if (new Set(runs.map((run) => run.worker)).size === 2) bothClaimed();
          await bothHaveRuns;
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
          const at = new Date();
          return settle({
            attempt: {
              id: (await start.opened).attemptId,
              finish: { outcome: 'succeeded', finishedAt: at, durationMs: 1, errors: null, logs: null, steps: null },
            },
            event: {
              id: event.id,
              owner: workerId,
              attempt: event.attempts,
              settlement: { status: 'succeeded', result: null, httpResponse: null, at },
            },
          });
        },
      });
    };
    const workers = [workerOn(database.db, 'host-a:1:aaaaaa'), workerOn(second, 'host-b:2:bbbbbb')];
    for (const worker of workers) worker.start();
    try {
      await eventually(async () => {
        const [row] = await database.db('webhook_events').where({ status: 'succeeded' }).count({ n: '*' });
        return Number(row?.n) === eventCount ? true : undefined;
      }, 60_000);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop(1_000)));
    }

    const perEvent = new Map<number, number>();
    for (const run of runs) perEvent.set(run.eventId, (perEvent.get(run.eventId) ?? 0) + 1);
    expect(perEvent.size).toBe(eventCount);
    expect([...perEvent.values()].every((count) => count === 1)).toBe(true);
    const attempts = await database.db('webhook_event_attempts').select('event_id', 'outcome');
    expect(attempts).toHaveLength(eventCount);
    expect(new Set(attempts.map((row) => row.outcome))).toEqual(new Set(['succeeded']));
    expect(await database.db('webhook_events').whereNot({ attempts: 1 }).count({ n: '*' })).toEqual([
      { n: engine === 'postgres' ? '0' : 0 },
    ]);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(new Set(runs.map((run) => run.worker)).size).toBe(2);
  }, 120_000);
});
