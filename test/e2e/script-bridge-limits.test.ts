import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventErrors } from '../helpers/webhook-calls.js';

/** Sends 900 KB through doCmd until the script's time runs out. */
const floodingScript = `const big = 'x'.repeat(900000); for (;;) doCmd('EchoCommand', { big });`;

describe.each(engines)('script limits with doCmd traffic, on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // Calls enough that the time limit ends the flood: on Node 26 (isolated-vm 7) 50 calls of 900 KB
    // fit in the second, and the default call limit ended it first (a limit too, but not this test's).
    const script = { ...defaultExecutors.script, maxCommandCalls: 10_000 };
    service = await startTestService(database.db, { executors: { ...defaultExecutors, script } });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('ends a script flooding doCmd within its limit and the grace', async () => {
    await createConfig(service.baseUrl, {
      key: 'flood',
      path: 'bridge/flood',
      action: 'POST',
      executionType: 2,
      executionCode: floodingScript,
    });
    // Warm the host: a cold host's start is not the script's time.
    await callWebhook(service.baseUrl, 'bridge/flood', { body: '{}' });
    const started = performance.now();
    const response = await callWebhook(service.baseUrl, 'bridge/flood', { body: '{}' });
    const elapsedMs = performance.now() - started;
    expect(response.status).toBe(500);
    expect(await eventErrors(service.baseUrl, response)).toEqual(['Script timed out after 1000 ms']);
    // SCRIPT_TIMEOUT_MS (1,000), 100 ms for a script blocked in doCmd, 150 ms for the host's answer, and the request itself.
    expect(elapsedMs).toBeLessThan(1_600);
  });

  it('stores each doCmd step with at most 16 KiB of its data, noting the cut', async () => {
    await createConfig(service.baseUrl, {
      key: 'big-steps',
      path: 'bridge/steps',
      action: 'POST',
      executionType: 2,
      executionCode: `const big = 'x'.repeat(900000); for (let i = 0; i < 5; i += 1) doCmd('EchoCommand', { big }); return 'done';`,
    });
    const response = await callWebhook(service.baseUrl, 'bridge/steps', { body: '{}' });
    expect(response.json).toMatchObject({ success: true, data: 'done' });
    const id = Number(response.headers.get('x-webhook-event-id'));
    const event = (await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id })).data as {
      attempts: { steps: unknown[] }[];
    };
    const steps = event.attempts[0]!.steps;
    expect(steps).toHaveLength(5);
    for (const step of steps) {
      expect(step).toMatchObject({ commandName: 'EchoCommand', success: true, data: { truncated: true, chars: 900_010 } });
    }
    expect(JSON.stringify(event).length).toBeLessThan(100_000);
  });
});
