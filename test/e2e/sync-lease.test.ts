import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { createConfig } from '../helpers/webhook-calls.js';

const leaseMs = 1_000;
/** Each run takes a third of the lease, as a slow core-banking call would. */
const counting = createCountingCommand({ delayMs: leaseMs / 3 });

describe('the lease of a sync webhook (real clock, busy worker)', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { extraCommands: [counting.command], delivery: { leaseMs, workerPollMs: 20 } });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('starts when the event is stored, so a body sent slowly is still run once', async () => {
    await createConfig(service.baseUrl, {
      key: 'nibss-slow',
      path: '/nibss/slow',
      action: 'POST',
      executionType: 0,
      commandName: 'CountingTestCommand',
    });
    const encoder = new TextEncoder();
    const response = await fetch(`${service.baseUrl}/api/webhook/nibss/slow`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        async start(controller) {
          controller.enqueue(encoder.encode('{"sessionId":'));
          await new Promise((resolve) => setTimeout(resolve, 1.5 * leaseMs));
          controller.enqueue(encoder.encode('"S-1"}'));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    // Give the worker, polling every 20 ms, time to find the event if its lease had run out.
    await new Promise((resolve) => setTimeout(resolve, leaseMs));
    const [event] = await database.db('webhook_events').select('id', 'status', 'attempts');
    expect(event).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect((await listEventAttempts(database.db, Number(event!.id))).map((a) => a.outcome)).toEqual(['succeeded']);
    expect(counting.runs.get(Number(event!.id))).toBe(1);
  });
});
