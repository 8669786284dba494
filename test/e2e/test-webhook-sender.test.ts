import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { mintAdminToken } from '../helpers/tokens.js';
import { command, createConfig } from '../helpers/webhook-calls.js';

const now = new Date('2026-12-14T10:00:00.000Z');
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand' };
const loopback = '127.0.0.1,::1';
const whsec = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const body = '{"event":"charge.success","data":{"id":77,"reference":"T-77"}}';

/** One configuration per kind of verification: catalog sources and spelled-out schemes. */
const configs: { key: string; fields: JsonObject; secret: string; signedHeaders: string[] }[] = [
  { key: 'paystack', fields: { source: 'paystack' }, secret: 'sk_test_sender', signedHeaders: ['x-paystack-signature'] },
  { key: 'stripe', fields: { source: 'stripe' }, secret: 'whsec_stripe_sender', signedHeaders: ['stripe-signature'] },
  { key: 'svix', fields: { source: 'svix' }, secret: whsec, signedHeaders: ['svix-id', 'svix-timestamp', 'svix-signature'] },
  { key: 'mono', fields: { source: 'mono' }, secret: 'mono_sender_secret', signedHeaders: ['mono-webhook-secret'] },
  {
    key: 'github-style',
    fields: { verification: { scheme: 'hmac-sha256', header: 'x-hub-signature-256', prefix: 'sha256=' } },
    secret: 'gh-sender',
    signedHeaders: ['x-hub-signature-256'],
  },
  { key: 'basic', fields: { verification: { scheme: 'basic' } }, secret: 'bank:s3cret-basic', signedHeaders: ['authorization'] },
  { key: 'api-key', fields: { verification: { scheme: 'api-key' } }, secret: 'key-sender-123', signedHeaders: ['x-api-key'] },
];

describe.each(engines)('the test sender on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  const ids = new Map<string, number>();
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { clock: () => now });
    for (const { key, fields, secret } of configs) {
      const verification = { ...((fields.verification as JsonObject | undefined) ?? {}), secret };
      const created = await createConfig(service.baseUrl, {
        ...echo,
        ...fields,
        key,
        path: `/sender/${key}`,
        allowableIPs: loopback,
        verification,
      });
      ids.set(key, created.id);
    }
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it.each(configs)('signs a test of $key so that its verification passes, and never answers the secret', async (config) => {
    const outcome = await command(service.baseUrl, 'SendTestWebhookCommand', { configId: ids.get(config.key)!, body });
    expect(outcome.success).toBe(true);
    expect(outcome.data).toMatchObject({
      status: 200,
      method: 'POST',
      path: `/api/webhook/sender/${config.key}`,
      signedHeaders: config.signedHeaders,
    });
    expect(JSON.stringify(outcome)).not.toContain(config.secret);
    // The webhook went through the ingress: its event is stored with the answer's request id, verified.
    const { requestId } = outcome.data as { requestId: string };
    const events = await command(service.baseUrl, 'GetWebhookEventListQuery', { configId: ids.get(config.key)!, pageSize: 50 });
    const stored = (events.data as { items: { id: number; requestId: string; status: string }[] }).items.find(
      (item) => item.requestId === requestId,
    );
    expect(stored?.status).toBe('succeeded');
  });

  it.each(clientKinds)('is served over %s', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, await mintAdminToken());
    const outcome = await client.call('SendTestWebhookCommand', { configId: ids.get('paystack')!, body: '{"event":"ping"}' });
    expect(outcome.success).toBe(true);
    expect((outcome.data as { status: number }).status).toBe(200);
  });

  it('sends unsigned to a configuration that verifies nothing, and answers what the ingress answered, a 403 included', async () => {
    const open = await createConfig(service.baseUrl, { ...echo, key: 'open', path: '/sender/open' });
    const sent = await command(service.baseUrl, 'SendTestWebhookCommand', { configId: open.id, body });
    expect(sent.data).toMatchObject({ status: 200, signedHeaders: [] });
    // The test comes from the service's own address: an allow-list without it refuses the test as it would anyone.
    const walled = await createConfig(service.baseUrl, {
      ...echo,
      key: 'walled',
      path: '/sender/walled',
      allowableIPs: '203.0.113.9',
    });
    const refused = await command(service.baseUrl, 'SendTestWebhookCommand', { configId: walled.id, body });
    expect(refused.data).toMatchObject({ status: 403 });
  });

  it('refuses an unknown configuration', async () => {
    const outcome = await command(service.baseUrl, 'SendTestWebhookCommand', { configId: 99_999, body });
    expect(outcome.success).toBe(false);
    expect(outcome.errors).toContain('Configuration not found');
  });
});
