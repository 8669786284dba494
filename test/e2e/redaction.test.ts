import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

/** What a webhook stored, as an operator reads it. */
async function readEvent(baseUrl: string, id: number) {
  const outcome = await command(baseUrl, 'GetWebhookEventByIdQuery', { id });
  return outcome.data as { query: Record<string, string>; result: unknown; attempts: { steps: unknown; errors: string[] }[] };
}

describe.each(engines)('redaction of what leaves the service on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  beforeAll(async () => {
    target = await startForwardTarget();
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await target?.close();
  });

  it("answers the caller and stores the steps with a chain step's secret parameters masked, as configuration reads show them", async () => {
    await createConfig(service.baseUrl, {
      key: 'echo-secrets',
      path: 'redaction/echo',
      action: 'POST',
      executionType: 1,
      commandChain: [
        {
          commandName: 'EchoCommand',
          parameters: { apiToken: 'tok-0123456789', headers: { Authorization: 'Bearer sk_live_abcdef' }, region: 'eu' },
        },
        { commandName: 'EchoCommand', parameters: { stage: 'second' } },
      ],
    });
    const response = await callWebhook(service.baseUrl, 'redaction/echo', { body: '{"amount":1}' });
    expect(response.status).toBe(200);
    const eventId = (await database.db('webhook_events').where({ config_key: 'echo-secrets' }).first('id')).id;
    const stored = JSON.stringify(await readEvent(service.baseUrl, Number(eventId)));
    for (const text of [response.text, stored]) {
      expect(text).toContain('"region":"eu"');
      expect(text).toContain('"apiToken":"****"');
      expect(text).not.toContain('tok-0123456789');
      expect(text).not.toContain('sk_live_abcdef');
    }
  });

  it('masks credentials in the query of a forward URL in reads and the audit log, keeps them on a round trip, and still sends them', async () => {
    const url = `http://127.0.0.1:${target.port}/ok?access_token=at-987654321&account=42`;
    const created = await createConfig(service.baseUrl, {
      key: 'forward-query',
      path: 'redaction/forward',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url } }],
    });
    const shown = `http://127.0.0.1:${target.port}/ok?access_token=****&account=42`;
    const read = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: created.id });
    expect(read.data).toMatchObject({ commandChain: [{ parameters: { url: shown } }] });
    const updated = await command(service.baseUrl, 'UpdateWebHookConfigCommand', {
      id: created.id,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: shown } }],
    });
    expect(updated).toMatchObject({ success: true, data: { commandChain: [{ parameters: { url: shown } }] } });

    const arrived = target.nextRequest();
    const response = await callWebhook(service.baseUrl, 'redaction/forward', { body: '{"amount":1}' });
    expect(response.status).toBe(200);
    expect((await arrived).search).toBe('?access_token=at-987654321&account=42');
    const audit = JSON.stringify((await command(service.baseUrl, 'GetAuditLogQuery', { pageSize: 100 })).data);
    expect(audit).toContain('forward-query');
    expect(audit).not.toContain('at-987654321');

    const masked = await command(service.baseUrl, 'CreateWebHookConfigCommand', {
      key: 'forward-masked',
      path: 'redaction/masked',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: shown } }],
    });
    expect(masked).toMatchObject({
      success: false,
      errors: ['commandChain[0].parameters.url has a "****" credential in its query but no stored URL is there to keep'],
    });
  });

  it('stores query credentials named key, code, hmac, sig, signature, access_token, api_key and token redacted', async () => {
    await createConfig(service.baseUrl, {
      key: 'query-echo',
      path: 'redaction/query',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    const credentials = ['key', 'code', 'hmac', 'sig', 'signature', 'access_token', 'api_key', 'token', 'X-Amz-Signature'];
    const query = credentials.map((name, i) => `${name}=cred-${i}-value`).join('&');
    const response = await callWebhook(service.baseUrl, `redaction/query?${query}&page=2`, { body: '{}' });
    expect(response.status).toBe(202);
    const event = await readEvent(service.baseUrl, (response.json.data as { eventId: number }).eventId);
    expect(event.query).toEqual({ ...Object.fromEntries(credentials.map((name) => [name, '[redacted]'])), page: '2' });
  });
});
