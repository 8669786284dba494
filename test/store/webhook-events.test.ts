import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewWebhookEvent } from '../../src/domain/webhook-event.js';
import { listEventAttempts, type AttemptFinish } from '../../src/store/webhook-event-attempts.js';
import { insertWebhookConfig } from '../../src/store/webhook-configs.js';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { eventsQueuedChannel, insertWebhookEvents } from '../../src/store/insert-webhook-events.js';
import { listenToChannel } from '../../src/store/listen-to-channel.js';
import { findWebhookEventById, insertWebhookEvent } from '../../src/store/webhook-events.js';
import { settleAttempts } from '../../src/store/settle-attempts.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { echoConfigFields } from '../helpers/store-fixtures.js';
import { silentLog } from '../helpers/silent-log.js';
import { eventually } from '../helpers/webhook-calls.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const later = new Date(now.getTime() + 60_000);
const config = echoConfigFields('paystack-charge', { path: '/paystack/charge', responseMode: 'sync' });
const succeeded: AttemptFinish = {
  outcome: 'succeeded',
  finishedAt: later,
  durationMs: 3,
  errors: null,
  logs: null,
  steps: null,
};

describe.each(engines)('webhook event store on %s', (engine) => {
  let database: TestDatabase;
  let received: Omit<NewWebhookEvent, 'status' | 'attempts' | 'leaseOwner' | 'availableAt' | 'responseMode'>;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(async () => {
    await database.truncate();
    const { id } = await insertWebhookConfig(database.db, config, now);
    received = {
      configId: id,
      configKey: config.key,
      configVersion: 1,
      source: 'router',
      method: 'POST',
      path: 'paystack/charge',
      headers: { 'content-type': 'application/json' },
      query: {},
      rawBody: Buffer.from('{"reference":"T-1"}'),
      clientIp: '127.0.0.1',
      receivedAt: now,
      idempotencyKey: 'T-1',
      maxAttempts: 8,
      trace: {},
    };
  });

  const countRows = async (table: string) => {
    const [row] = (await database.db(table).count({ n: '*' })) as { n: string | number }[];
    return Number(row?.n);
  };
  const running = () =>
    ({ ...received, responseMode: 'sync', status: 'processing', attempts: 1, leaseOwner: 'host:1', leaseMs: 60_000 }) as const;

  it('stores a sync event leased on the database clock with its first attempt in one statement, and neither for a repeated idempotency key', async () => {
    const [stored] = await insertWebhookEvents(database.db, [running()]);
    const event = await findWebhookEventById(database.db, stored!.id);
    expect(event).toMatchObject({ status: 'processing', attempts: 1, leaseOwner: 'host:1', rawBody: received.rawBody });
    expect(event!.availableAt).toEqual(stored!.lease!.availableAt);
    const { rows } = await database.db.raw<{ rows: { left: number }[] }>(
      `SELECT extract(epoch FROM due_at - now()) * 1000 AS left FROM webhook_event_queue WHERE event_id = ?`,
      [stored!.id],
    );
    expect(Number(rows[0]!.left)).toBeGreaterThan(50_000);
    expect(Number(rows[0]!.left)).toBeLessThanOrEqual(60_000);
    const attempts = await listEventAttempts(database.db, stored!.id);
    expect(attempts).toMatchObject([
      { id: stored!.lease!.attemptId, attempt: 1, worker: 'host:1', configVersion: 1, outcome: 'running' },
    ]);

    expect(await insertWebhookEvents(database.db, [{ ...running(), leaseOwner: 'host:2' }])).toEqual([undefined]);
    expect([await countRows('webhook_events'), await countRows('webhook_event_attempts')]).toEqual([1, 1]);
  });

  // On PostgreSQL the test schemas share one database, so one file's NOTIFY reaches every file's listener.
  it.skipIf(engine !== 'pglite')('NOTIFYs the queued channel only for a batch that queued an event', async () => {
    let notified = 0;
    const listener = listenToChannel(database.db, eventsQueuedChannel, () => (notified += 1), silentLog, { heartbeatMs: 1_000 });
    try {
      await eventually(async () => (listener.isLive() ? true : undefined));
      const settled = async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return notified;
      };
      const before = await settled();
      await insertWebhookEvents(database.db, [running(), { ...running(), idempotencyKey: 'T-2' }]);
      expect(await settled()).toBe(before);
      const queued = { ...received, idempotencyKey: 'T-3', responseMode: 'async', status: 'queued', attempts: 0 } as const;
      await insertWebhookEvents(database.db, [
        { ...running(), idempotencyKey: 'T-4' },
        { ...queued, leaseOwner: null, availableAt: now },
      ]);
      expect(await settled()).toBe(before + 1);
    } finally {
      await listener.close();
    }
  });

  it('records the attempt and settles the event together while the lease is held', async () => {
    const [stored] = await insertWebhookEvents(database.db, [running()]);
    const settlement = { status: 'succeeded', result: { ok: true }, httpResponse: null, at: later } as const;
    const [settled] = await settleAttempts(database.db, [
      {
        attempt: { id: stored!.lease!.attemptId, finish: succeeded },
        event: { id: stored!.id, owner: 'host:1', attempt: 1, settlement },
      },
    ]);
    expect(settled).toBe(true);
    expect(await findWebhookEventById(database.db, stored!.id)).toMatchObject({
      status: 'succeeded',
      result: { ok: true },
      leaseOwner: null,
      completedAt: later,
    });
    expect(await listEventAttempts(database.db, stored!.id)).toMatchObject([
      { outcome: 'succeeded', finishedAt: later, durationMs: 3 },
    ]);
  });

  it.each(['new-host', 'slow-host'])(
    'still records an attempt whose lease was lost, but leaves the event to its next claim by %s',
    async (nextOwner) => {
      const queued = await insertWebhookEvent(database.db, {
        ...received,
        responseMode: 'async',
        status: 'queued',
        attempts: 0,
        leaseOwner: null,
        availableAt: now,
      });
      // A lease of 0 ms has run out on the database's clock by the next statement.
      const [first] = await claimOpenedAttempts(database.db, { owner: 'slow-host', now, leaseMs: 0, limit: 1 });
      const slowAttempt = first!.attemptId;
      const [second] = await claimOpenedAttempts(database.db, { owner: nextOwner, now, leaseMs: 60_000, limit: 1 });
      expect(second?.event).toMatchObject({ id: queued!.id, attempts: 2, leaseOwner: nextOwner });

      const settlement = { status: 'succeeded', result: null, httpResponse: null, at: later } as const;
      const [settled] = await settleAttempts(database.db, [
        {
          attempt: { id: slowAttempt, finish: succeeded },
          event: { id: queued!.id, owner: 'slow-host', attempt: 1, settlement },
        },
      ]);
      expect(settled).toBe(false);
      expect(await findWebhookEventById(database.db, queued!.id)).toMatchObject({ status: 'processing', leaseOwner: nextOwner });
      // The slow attempt's end is recorded still; the next owner's attempt runs on.
      expect(await listEventAttempts(database.db, queued!.id)).toMatchObject([
        { attempt: 1, worker: 'slow-host', outcome: 'succeeded' },
        { attempt: 2, worker: nextOwner, outcome: 'running' },
      ]);
    },
  );
});
