import http2 from 'node:http2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { failingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const charge = {
  key: 'paystack-charge',
  path: '/paystack/charge',
  action: 'POST',
  executionType: 0,
  commandName: 'EchoCommand',
};

describe.each(engines)('webhook router on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let proxied: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { maxBodyBytes: 4096, extraCommands: [failingCommand] });
    proxied = await startTestService(database.db, { trustedProxies: '127.0.0.1, ::1', extraCommands: [failingCommand] });
  });
  afterAll(async () => {
    await proxied?.stop();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  it('runs a sync webhook and answers 200 with the result, after storing the event with secrets redacted', async () => {
    await createConfig(service.baseUrl, charge);
    const response = await callWebhook(service.baseUrl, 'paystack/charge?ref=T1', {
      body: '{"event":"charge.success","amount":5000}',
      headers: { authorization: 'Bearer very-secret', 'x-trace': 'abc' },
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      success: true,
      message: 'Webhook processed successfully',
      data: {
        body: { event: 'charge.success', amount: 5000 },
        rawBody: '{"event":"charge.success","amount":5000}',
        query: { ref: 'T1' },
        method: 'POST',
        path: 'paystack/charge',
        key: 'paystack-charge',
        clientIp: '127.0.0.1',
        attempt: 1,
        headers: { authorization: '[redacted]', 'x-trace': 'abc' },
      },
    });
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    const event = await findWebhookEventById(database.db, eventId);
    expect(event).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      responseMode: 'sync',
      clientIp: '127.0.0.1',
      headers: { authorization: '[redacted]' },
      trace: { match: { key: 'paystack-charge', version: 1, by: 'path' }, ip: { allowed: true } },
    });
    expect(event!.rawBody.toString()).toBe('{"event":"charge.success","amount":5000}');
    const attempts = await listEventAttempts(database.db, eventId);
    expect(attempts).toMatchObject([{ attempt: 1, outcome: 'succeeded', configVersion: 1 }]);
  });

  it('matches normalised paths, case-insensitively, and falls back to the key', async () => {
    await createConfig(service.baseUrl, charge);
    expect((await callWebhook(service.baseUrl, 'PayStack//Charge/', { body: '{}' })).status).toBe(200);
    expect((await callWebhook(service.baseUrl, 'paystack-charge', { body: '{}' })).status).toBe(200);
  });

  it('answers 404 for an unknown path and for a configuration that was deactivated', async () => {
    const config = await createConfig(service.baseUrl, charge);
    expect((await callWebhook(service.baseUrl, 'nobody/here', { body: '{}' })).status).toBe(404);
    expect((await callWebhook(service.baseUrl, 'paystack/charge', { body: '{}' })).status).toBe(200);
    await command(service.baseUrl, 'DeactivateWebHookConfigCommand', { id: config.id });
    const response = await eventually(async () => {
      const r = await callWebhook(service.baseUrl, 'paystack/charge', { body: '{}' });
      return r.status === 404 ? r : undefined;
    }, 1_000);
    expect(response.json).toMatchObject({ success: false, message: 'Webhook not found' });
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    await createConfig(service.baseUrl, charge);
    await createConfig(service.baseUrl, { ...charge, key: 'paystack-refund', action: 'PUT' });
    const response = await callWebhook(service.baseUrl, 'paystack/charge', { method: 'GET' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, PUT');
  });

  it('answers 403 to a caller outside allowableIPs and keeps the refusal in the trace', async () => {
    await createConfig(service.baseUrl, { ...charge, allowableIPs: '52.31.139.75, 10.0.0.0/8' });
    const response = await callWebhook(service.baseUrl, 'paystack/charge', {
      body: '{}',
      headers: { 'x-forwarded-for': '10.1.2.3' },
    });
    expect(response.status).toBe(403);
    const rows = await database.db('webhook_events').select('status', 'trace');
    expect(rows).toMatchObject([{ status: 'rejected', trace: { ip: { clientIp: '127.0.0.1', allowed: false } } }]);
  });

  it('reads X-Forwarded-For only from a trusted proxy, right to left', async () => {
    await createConfig(service.baseUrl, { ...charge, allowableIPs: '10.0.0.0/8, 2001:db8::/32' });
    const via = (forwarded: string) =>
      callWebhook(proxied.baseUrl, 'paystack/charge', { body: '{}', headers: { 'x-forwarded-for': forwarded } });
    expect((await via('10.1.2.3')).status).toBe(200);
    expect((await via('2001:db8::7')).status).toBe(200);
    expect((await via('::ffff:10.9.9.9')).status).toBe(200);
    // The client appends the real peer on the right: a forged left-most entry does not help.
    expect((await via('10.1.2.3, 192.168.1.1')).status).toBe(403);
    expect((await via('192.168.1.1, 10.1.2.3, 127.0.0.1')).status).toBe(200);
  });

  it('answers 413 for a body over MAX_BODY_BYTES, declared or streamed', async () => {
    await createConfig(service.baseUrl, charge);
    const big = JSON.stringify({ pad: 'x'.repeat(5_000) });
    expect((await callWebhook(service.baseUrl, 'paystack/charge', { body: big })).status).toBe(413);
    const streamed = await fetch(`${service.baseUrl}/api/webhook/paystack/charge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 10; i += 1) controller.enqueue(new TextEncoder().encode('x'.repeat(1_000)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await database.db('webhook_events').select('id')).toEqual([]);
  });

  it('answers 415 for an unsupported media type and 400 for malformed JSON', async () => {
    await createConfig(service.baseUrl, charge);
    const binary = await callWebhook(service.baseUrl, 'paystack/charge', {
      body: 'abc',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(binary.status).toBe(415);
    const malformed = await callWebhook(service.baseUrl, 'paystack/charge', { body: '{"event":' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors?.[0]).toMatch(/not valid JSON/);
  });

  it('passes on top-level JSON arrays, form fields, text and XML', async () => {
    await createConfig(service.baseUrl, charge);
    const post = (body: string, type: string) =>
      callWebhook(service.baseUrl, 'paystack/charge', { body, headers: { 'content-type': type } });
    expect((await post('[{"rrr":"1"},{"rrr":"2"}]', 'application/json')).json.data).toMatchObject({
      body: [{ rrr: '1' }, { rrr: '2' }],
    });
    expect((await post('a=1&b=2&b=3', 'application/x-www-form-urlencoded')).json.data).toMatchObject({
      body: { a: '1', b: ['2', '3'] },
    });
    // Names of Object.prototype members are plain fields (protobuf-es's Struct drops a "__proto__" key, as for JSON).
    const inherited = await post('constructor=1&toString=2', 'application/x-www-form-urlencoded');
    expect(inherited.status).toBe(200);
    // Keys in the stored (jsonb) order the answer is sent in: shorter first.
    expect(inherited.text).toContain('"body":{"toString":"2","constructor":"1"}');
    expect((await post('<n><rrr>1</rrr></n>', 'application/xml; charset=utf-8')).json.data).toMatchObject({
      body: '<n><rrr>1</rrr></n>',
    });
    expect((await post('hello', 'text/plain')).json.data).toMatchObject({ body: 'hello' });
  });

  it('answers a failed sync execution with the event and request ids to quote, keeping its reasons in the event', async () => {
    await createConfig(service.baseUrl, { ...charge, commandName: 'FailingTestCommand' });
    const response = await callWebhook(service.baseUrl, 'paystack/charge', {
      body: '{}',
      headers: { 'x-request-id': 'req-2212' },
    });
    expect(response.status).toBe(500);
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    expect(response.json).toEqual({
      success: false,
      data: { eventId, requestId: 'req-2212' },
      message: 'Webhook execution failed',
      errors: [`Event ${eventId} could not be run; quote its event id or request id req-2212 to the receiver`],
    });
    expect(response.text).not.toContain('Core banking');
    const event = await findWebhookEventById(database.db, eventId);
    expect(event).toMatchObject({ status: 'failed', errors: ['Core banking is unreachable'] });
  });

  it('answers 202 with the event id for an async webhook, and a worker runs it', async () => {
    await createConfig(service.baseUrl, { ...charge, responseMode: 'async' });
    const response = await callWebhook(service.baseUrl, 'paystack/charge', { body: '{"n":1}' });
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ success: true, message: 'Webhook accepted', data: { eventId: expect.any(Number) } });
    const eventId = (response.json.data as { eventId: number }).eventId;
    const event = await eventually(async () => {
      const stored = await findWebhookEventById(database.db, eventId);
      return stored?.status === 'succeeded' ? stored : undefined;
    });
    expect(event.result).toMatchObject({ body: { n: 1 }, eventId, attempt: 1 });
  });

  it('serves webhooks over h2c as well', async () => {
    await createConfig(service.baseUrl, charge);
    const session = http2.connect(service.baseUrl);
    try {
      const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const stream = session.request({
          ':method': 'POST',
          ':path': '/api/webhook/paystack/charge',
          'content-type': 'application/json',
        });
        let status = 0;
        let text = '';
        stream.on('response', (headers) => {
          status = Number(headers[':status']);
        });
        stream.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        stream.on('end', () => resolve({ status, text }));
        stream.on('error', reject);
        stream.end('{"over":"h2"}');
      });
      expect(status).toBe(200);
      expect(JSON.parse(text)).toMatchObject({ data: { body: { over: 'h2' }, clientIp: '127.0.0.1', method: 'POST' } });
    } finally {
      session.close();
    }
  });
});
