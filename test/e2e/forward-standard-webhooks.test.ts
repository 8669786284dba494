import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standardWebhooks } from '../../src/router/verification/standard-webhooks.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget, type ReceivedRequest } from '../helpers/forward-target.js';
import { failingCommand } from '../helpers/test-commands.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventErrors, eventually } from '../helpers/webhook-calls.js';

const signingSecret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** What the existing Standard Webhooks verifier says of a forwarded request. */
function verify(request: ReceivedRequest) {
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
  return standardWebhooks({
    rawBody: Buffer.from(request.body),
    headers,
    settings: {
      scheme: 'standard-webhooks',
      secrets: [signingSecret],
      header: '',
      prefix: '',
      encoding: '',
      toleranceSeconds: null,
    },
    now: new Date(),
  });
}

describe.each(engines)('forwards as Standard Webhooks on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  beforeAll(async () => {
    target = await startForwardTarget();
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
      extraCommands: [failingCommand],
      delivery: { retryBaseMs: 10, retryMaxMs: 20 },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await target?.close();
  });

  it('sends the event id as webhook-id on every attempt, signed so the existing verifier accepts it, with x-request-id and traceparent', async () => {
    await createConfig(service.baseUrl, {
      key: 'signed-forward',
      path: 'forward/signed',
      action: 'POST',
      executionType: 1,
      responseMode: 'async',
      maxAttempts: 2,
      commandChain: [
        { commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok`, signingSecret } },
        { commandName: 'FailingTestCommand' },
      ],
    });
    const before = target.received.length;
    const response = await callWebhook(service.baseUrl, 'forward/signed', {
      body: '{"amount":5000}',
      headers: { 'x-request-id': 'req-1913', traceparent },
    });
    const eventId = (response.json.data as { eventId: number }).eventId;
    const deliveries = await eventually(async () => {
      const arrived = target.received.slice(before);
      return arrived.length >= 2 ? arrived : undefined;
    }, 15_000);
    for (const delivery of deliveries) {
      expect(delivery.headers).toMatchObject({
        'webhook-id': String(eventId),
        'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
        'webhook-signature': expect.stringMatching(/^v1,/),
        'x-request-id': 'req-1913',
        traceparent,
      });
      expect(verify(delivery)).toEqual({ ok: true });
    }
  });

  it('sends webhook-id and webhook-timestamp without a signature when the step names no secret, and refuses a secret that is no key', async () => {
    await createConfig(service.baseUrl, {
      key: 'plain-forward',
      path: 'forward/plain',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok` } }],
    });
    const arrived = target.nextRequest();
    const response = await callWebhook(service.baseUrl, 'forward/plain', { body: '{}' });
    expect(response.status).toBe(200);
    const { headers } = await arrived;
    expect(headers['webhook-id']).toBe(response.headers.get('x-webhook-event-id'));
    expect(headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(headers['webhook-signature']).toBeUndefined();

    await expect(
      createConfig(service.baseUrl, {
        key: 'bad-secret',
        path: 'forward/bad',
        action: 'POST',
        executionType: 1,
        commandChain: [
          { commandName: 'ForwardWebhookCommand', parameters: { url: 'http://127.0.0.1/ok', signingSecret: 'short' } },
        ],
      }),
    ).rejects.toThrow('parameters.signingSecret must be "whsec_" and base64 of at least 24 bytes');
  });

  it('tells the provider of a failed forward only the event and request ids, keeping the reason in the event', async () => {
    await createConfig(service.baseUrl, {
      key: 'unlisted-forward',
      path: 'forward/unlisted',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: 'https://core.bank.ng/postings' } }],
    });
    const response = await callWebhook(service.baseUrl, 'forward/unlisted', { body: '{}' });
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ message: 'Webhook execution failed', data: { eventId: expect.any(Number) } });
    expect(response.text).not.toContain('FORWARD_ALLOWED_HOSTS');
    expect(response.text).not.toContain('core.bank.ng');
    expect(await eventErrors(service.baseUrl, response)).toEqual([
      'Step 1 (ForwardWebhookCommand) failed: core.bank.ng is not in FORWARD_ALLOWED_HOSTS',
    ]);
  });
});
