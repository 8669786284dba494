import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineCommand } from '../../src/commands/command.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { createConfig } from '../helpers/webhook-calls.js';

const leaseMs = 1_000;
let runs = 0;
/** Takes a third of the lease, as a slow core-banking call would. */
const slowCommand = defineCommand({
  name: 'SlowTestCommand',
  input: ValueSchema,
  output: ValueSchema,
  permission: 'webhooks:write',
  successMessage: 'Command executed successfully',
  runnableFromWebhook: true,
  handle: async (input) => {
    runs += 1;
    await new Promise((resolve) => setTimeout(resolve, leaseMs / 3));
    return input;
  },
});

describe('the lease of a sync webhook (real clock, busy worker)', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { extraCommands: [slowCommand], delivery: { leaseMs, workerPollMs: 20 } });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('starts when the event is stored, so a body sent slowly is still run once', async () => {
    await createConfig(service.baseUrl, { key: 'nibss-slow', path: '/nibss/slow', action: 'POST', executionType: 0, commandName: 'SlowTestCommand' });
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
    expect(runs).toBe(1);
  });
});
