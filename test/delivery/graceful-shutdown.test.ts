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
