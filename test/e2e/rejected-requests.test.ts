import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

describe('requests refused by verification', () => {
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

  it('keep only the first 4 KiB of their body, with its full size and hash in the trace', async () => {
    await createConfig(service.baseUrl, {
      key: 'paystack-signed',
      path: '/paystack/signed',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'hmac-sha512', secret: 'paystack-secret', header: 'x-paystack-signature' },
    });
    const forged = JSON.stringify({ event: 'charge.success', pad: 'x'.repeat(100_000) });
    const response = await callWebhook(service.baseUrl, 'paystack/signed', {
      body: forged,
      headers: { 'x-paystack-signature': 'forged' },
    });
    expect(response.status).toBe(401);

    const [{ id }] = (await database.db('webhook_events').select('id')) as [{ id: number }];
    const event = await findWebhookEventById(database.db, Number(id));
    expect(event).toMatchObject({ status: 'rejected' });
    expect(event!.rawBody.toString()).toBe(forged.slice(0, 4096));
    expect(event!.trace.body).toEqual({
      bytes: forged.length,
      keptBytes: 4096,
      sha256: createHash('sha256').update(forged).digest('hex'),
    });
  });
});
