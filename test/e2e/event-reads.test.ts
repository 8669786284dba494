import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const secret = 'flutterwave-s3cr3t';
const redactedQuery = { token: '[redacted]', api_key: '[redacted]', sig: '[redacted]', access_token: '[redacted]', page: '2' };

describe.each(engines)('event reads on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let eventId: number;
  const body = JSON.stringify({ event: 'charge.completed', pad: 'é'.repeat(1500) });
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db);
    await createConfig(service.baseUrl, {
      key: 'flutterwave-echo',
      path: '/flutterwave/echo',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'hmac-sha256', secret, header: 'x-signature' },
    });
    const signature = createHmac('sha256', secret).update(body).digest('hex');
    const response = await callWebhook(
      service.baseUrl,
      'flutterwave/echo?token=t0k3n&api_key=k3y&sig=abc&access_token=at&page=2',
      {
        body,
        headers: { 'x-signature': signature },
      },
    );
    // Verification ran on the request itself; what the execution saw is what was stored.
    expect(response.status).toBe(200);
    expect((response.json.data as { query: unknown }).query).toEqual(redactedQuery);
    eventId = Number(response.headers.get('x-webhook-event-id'));
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('stores credential-named query parameters redacted', async () => {
    const row = (await database.db('webhook_events').where({ id: eventId }).first('query')) as { query: unknown };
    expect(row.query).toEqual(redactedQuery);
  });

  describe.each(clientKinds)('over %s', (kind) => {
    const client = () => createManagementClient(kind, service.baseUrl, service.adminToken);
    const bytes = Buffer.byteLength(body);

    it('lists events with a 1 KiB body preview and the full length, and gives the whole body by id', async () => {
      const reader = client();
      const list = await reader.call('GetWebhookEventListQuery', { pageSize: 100 });
      expect(list.success).toBe(true);
      const [listed] = (list.data as { items: Record<string, unknown>[] }).items;
      expect(listed).toMatchObject({ bodyBytes: bytes, query: redactedQuery });
      expect(listed!.body ?? '').toBe('');
      expect(Buffer.from(listed!.bodyPreview as string).toString()).toBe(Buffer.from(body).subarray(0, 1024).toString());

      const byId = await reader.call('GetWebhookEventByIdQuery', { id: eventId });
      expect(byId.data).toMatchObject({ body, bodyBytes: bytes, query: redactedQuery });
      reader.close();
    });
  });
});
