import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { crashingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

const bodies = [
  { name: 'a number beyond a 64-bit float', body: '{"a":1e400}', reason: 'The body holds a number too large to represent' },
  {
    name: '100,000 nested arrays',
    body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    reason: 'The body nests deeper than 64 levels',
  },
  {
    name: '5,000 nested objects',
    body: `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
    reason: 'The body nests deeper than 64 levels',
  },
];

describe.each(engines)('bodies no executor can take, on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { extraCommands: [crashingCommand] });
    for (const [key, responseMode] of [
      ['sync-echo', 'sync'],
      ['async-echo', 'async'],
    ] as const) {
      await createConfig(service.baseUrl, {
        key,
        path: `bodies/${responseMode}`,
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
        responseMode,
      });
    }
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it.each(bodies)('refuses $name with 400 and the reason, storing nothing', async ({ body, reason }) => {
    for (const path of ['bodies/sync', 'bodies/async']) {
      const response = await callWebhook(service.baseUrl, path, { body });
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ success: false, message: 'Invalid body', errors: [expect.stringContaining(reason)] });
    }
    const stored = await database.db('webhook_events').whereIn('config_key', ['sync-echo', 'async-echo']).count({ n: '*' });
    expect(Number(stored[0]!.n)).toBe(0);
  });

  it('takes a body nested 64 levels deep', async () => {
    const response = await callWebhook(service.baseUrl, 'bodies/sync', { body: `${'{"a":'.repeat(64)}1${'}'.repeat(64)}` });
    expect(response.status).toBe(200);
  });

  it('records the real cause of an unexpected failure, not "Internal error"', async () => {
    await createConfig(service.baseUrl, {
      key: 'crashing',
      path: 'bodies/crash',
      action: 'POST',
      executionType: 0,
      commandName: 'CrashingTestCommand',
      responseMode: 'async',
    });
    const response = await callWebhook(service.baseUrl, 'bodies/crash', { body: '{}' });
    const eventId = (response.json.data as { eventId: number }).eventId;
    const cause = "CrashingTestCommand failed unexpectedly: TypeError: Cannot read properties of undefined (reading 'amount')";
    for (;;) {
      const event = (await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: eventId })).data as {
        attempts: { errors: string[]; outcome: string }[];
      };
      const finished = event.attempts.find((attempt) => attempt.outcome === 'failed');
      if (finished) {
        expect(finished.errors).toEqual([cause]);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
});
