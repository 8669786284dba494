import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

/** Raw Connect JSON calls: the typed clients elsewhere cannot send what a careless caller can. */
describe('Connect calls with bad input', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db);
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  const create = async (body: string) => {
    const response = await fetch(`${service.baseUrl}/bpm.webhooks.v1.WebHookConfigService/CreateWebHookConfig`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.adminToken}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as { code?: string; message?: string } };
  };

  it.each([
    ['malformed JSON', '{"key": "paystack-charge",'],
    ['a wrong type', '{"key": "paystack-charge", "action": "POST", "executionType": "zero"}'],
    ['an unknown field', '{"key": "paystack-charge", "action": "POST", "executionType": 0, "allowableIpz": "10.0.0.0/8"}'],
  ])('answers %s with invalid_argument and stores nothing', async (_case, body) => {
    const outcome = await create(body);
    expect(outcome.status).toBe(400);
    expect(outcome.body.code).toBe('invalid_argument');
    expect(outcome.body.message).toBeTruthy();
    const [{ n }] = (await database.db('webhook_configs').count({ n: '*' })) as [{ n: number | string }];
    expect(Number(n)).toBe(0);
  });

  it('refuses a 10,000-character key with the validation message the other transports give', async () => {
    const outcome = await create(
      JSON.stringify({ key: 'k'.repeat(10_000), action: 'POST', executionType: 0, commandName: 'EchoCommand' }),
    );
    expect(outcome.status).toBe(400);
    expect(outcome.body).toMatchObject({ code: 'invalid_argument', message: 'Validation failed' });
  });
});
