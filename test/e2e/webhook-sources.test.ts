import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { mintAdminToken } from '../helpers/tokens.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

// Signed with node:crypto from the providers' documented formulas, not with src/.
const now = new Date('2026-12-09T10:00:00.000Z');
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand' };
const paystackBody = '{"event":"charge.success","data":{"id":302961,"reference":"qTPrJoy9Bx","amount":10000}}';
const paystackSign = (secret: string, body = paystackBody) => createHmac('sha512', secret).update(body).digest('hex');

describe.each(engines)('configurations naming a catalog source on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { clock: () => now });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('verifies, deduplicates on the provider id and types its events by the source, with only a secret configured', async () => {
    const created = await createConfig(service.baseUrl, {
      ...echo,
      key: 'paystack-in',
      path: '/paystack',
      source: 'paystack',
      allowableIPs: '127.0.0.1,::1',
      verification: { secret: 'sk_test_sources' },
    });
    const stored = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: created.id });
    expect(stored.data).toMatchObject({
      source: 'paystack',
      verification: { scheme: 'hmac-sha512', header: 'x-paystack-signature', secretCount: 1 },
    });

    const first = await callWebhook(service.baseUrl, 'paystack', {
      body: paystackBody,
      headers: { 'x-paystack-signature': paystackSign('sk_test_sources') },
    });
    expect(first.status).toBe(200);
    // Paystack retries with the same event and transaction: one event, the repeat answered as a replay.
    const repeat = await callWebhook(service.baseUrl, 'paystack', {
      body: paystackBody,
      headers: { 'x-paystack-signature': paystackSign('sk_test_sources') },
    });
    expect(repeat.status).toBe(200);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    const tampered = await callWebhook(service.baseUrl, 'paystack', {
      body: paystackBody.replace('10000', '99999'),
      headers: { 'x-paystack-signature': paystackSign('sk_test_sources') },
    });
    const wrongSecret = await callWebhook(service.baseUrl, 'paystack', {
      body: paystackBody,
      headers: { 'x-paystack-signature': paystackSign('sk_test_other') },
    });
    expect([tampered.status, wrongSecret.status]).toEqual([401, 401]);

    const event = await command(service.baseUrl, 'GetWebhookEventByIdQuery', {
      id: Number(first.headers.get('x-webhook-event-id')),
    });
    expect(event.data).toMatchObject({ idempotencyKey: 'charge.success|302961', fields: { event: 'charge.success' } });
  });

  it('refuses callers outside the source’s documented addresses unless the operator sets allowableIPs', async () => {
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'paystack-default-ips',
      path: '/paystack-default',
      source: 'paystack',
      verification: { secret: 'sk_test_sources' },
    });
    const refused = await callWebhook(service.baseUrl, 'paystack-default', {
      body: paystackBody,
      headers: { 'x-paystack-signature': paystackSign('sk_test_sources') },
    });
    expect(refused.status).toBe(403);
  });

  it('serves a scheme only the catalog offers (Svix) through the same router', async () => {
    const key = Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64');
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'svix-in',
      path: '/svix',
      source: 'svix',
      verification: { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
    });
    const body = '{"test": 2432232314}';
    const timestamp = String(now.getTime() / 1000);
    const signature = createHmac('sha256', key).update(`msg_p5jXN8AQM9LWM0D4loKWxJek.${timestamp}.${body}`).digest('base64');
    const headers = {
      'svix-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'svix-timestamp': timestamp,
      'svix-signature': `v1,${signature}`,
    };
    const accepted = await callWebhook(service.baseUrl, 'svix', { body, headers });
    expect(accepted.status).toBe(200);
    const stale = String(now.getTime() / 1000 - 301);
    const staleSignature = createHmac('sha256', key).update(`msg_p5jXN8AQM9LWM0D4loKWxJek.${stale}.${body}`).digest('base64');
    const refused = await callWebhook(service.baseUrl, 'svix', {
      body,
      headers: { ...headers, 'svix-timestamp': stale, 'svix-signature': `v1,${staleSignature}` },
    });
    expect(refused.status).toBe(401);
  });

  it.each(clientKinds)('lists the catalog with what each source needs over %s', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, await mintAdminToken());
    const outcome = await client.call('GetSourceCatalogQuery', {});
    expect(outcome.success).toBe(true);
    const entries = outcome.data as { name: string }[];
    expect(entries.map((entry) => entry.name)).toEqual(expect.arrayContaining(['paystack', 'monnify', 'stripe', 'svix', 'mono']));
    expect(entries.find((entry) => entry.name === 'paystack')).toMatchObject({
      scheme: 'hmac-sha512',
      header: 'x-paystack-signature',
      dedupKey: ['body:/event', 'body:/data/id'],
      callerIps: '52.31.139.75,52.49.173.169,52.214.14.220',
      citations: ['https://paystack.com/docs/payments/webhooks/'],
    });
  });

  it('refuses an unknown source, a signing source without a secret, a Svix secret that is not base64, and an unsigned source open to anyone', async () => {
    const problems = async (fields: Record<string, unknown>) => {
      const outcome = await command(service.baseUrl, 'CreateWebHookConfigCommand', { ...echo, path: '/bad', ...fields } as never);
      expect(outcome.success).toBe(false);
      return outcome.errors.join('; ');
    };
    expect(await problems({ key: 'bad-1', source: 'paypal', verification: { secret: 'x' } })).toContain('Source must be one of');
    expect(await problems({ key: 'bad-2', source: 'stripe' })).toContain('Source stripe needs at least one secret');
    expect(await problems({ key: 'bad-3', source: 'svix', verification: { secret: 'not base64!' } })).toContain('base64');
    expect(await problems({ key: 'bad-4', source: 'remita-payment' })).toContain('signs nothing: set allowableIPs');
  });
});
