import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createBlockingCommand } from '../helpers/test-commands.js';
import { startTestService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

const config = {
  key: 'slow-core',
  path: '/slow',
  action: 'POST',
  executionType: 0,
  commandName: 'BlockingTestCommand',
  responseMode: 'async',
};

describe('graceful shutdown of the worker', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  async function acceptOne(blocking: ReturnType<typeof createBlockingCommand>, overrides: { maxAttempts?: number } = {}) {
    const service = await startTestService(database.db, { extraCommands: [blocking.command], delivery: { workerPollMs: 20 } });
    await createConfig(service.baseUrl, { ...config, ...overrides });
    const response = await callWebhook(service.baseUrl, 'slow', { body: '{}' });
    await blocking.started;
    return { service, eventId: (response.json.data as { eventId: number }).eventId };
  }

  it('lets an in-flight event finish within the grace period', async () => {
    const blocking = createBlockingCommand();
    const { service, eventId } = await acceptOne(blocking);
    const stopping = service.close(5_000);
    setTimeout(blocking.release, 100);
    await stopping;
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'succeeded', leaseOwner: null });
  });

  it('hands back every unfinished event of a claimed batch when the grace period ends', async () => {
    const blocking = createBlockingCommand();
    const service = await startTestService(database.db, {
      extraCommands: [blocking.command],
      delivery: { workerPollMs: 20, workerConcurrency: 8 },
      startWorker: false,
    });
    await createConfig(service.baseUrl, config);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, n) => callWebhook(service.baseUrl, 'slow', { body: JSON.stringify({ n }) })),
    );
    const eventIds = responses.map((response) => (response.json.data as { eventId: number }).eventId);
    // Queued while the worker was stopped: its first claim takes all five in one batch.
    service.worker.start();
    await eventually(async () => {
      const [row] = await database.db('webhook_event_attempts').where({ outcome: 'running' }).count({ n: '*' });
      return Number(row?.n) === 5 ? true : undefined;
    });
    await service.close(100);
    const events = await Promise.all(eventIds.map((id) => findWebhookEventById(database.db, id)));
    expect(events.map((event) => [event?.status, event?.leaseOwner])).toEqual(Array.from({ length: 5 }, () => ['queued', null]));
    blocking.release();
  });

  it('hands an unfinished event back to the queue when the grace period ends; the next process runs it, even on its last attempt', async () => {
    const blocking = createBlockingCommand();
    const { service, eventId } = await acceptOne(blocking, { maxAttempts: 1 });
    await service.close(100);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'queued', leaseOwner: null });

    const next = createBlockingCommand();
    next.release();
    const successor = await startTestService(database.db, { extraCommands: [next.command], delivery: { workerPollMs: 20 } });
    try {
      await eventually(async () =>
        (await findWebhookEventById(database.db, eventId))?.status === 'succeeded' ? true : undefined,
      );
      const attempts = await listEventAttempts(database.db, eventId);
      expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'interrupted'],
        [2, 'succeeded'],
      ]);
    } finally {
      // In a real shutdown the process exits; here the released execution is let go only now.
      blocking.release();
      await successor.stop();
    }
  });
});
