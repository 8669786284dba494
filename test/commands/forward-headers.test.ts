import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { dataOf, executionRequest, scriptRequest } from '../helpers/execution-requests.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';

const smuggling = {
  Host: 'internal.bank.local',
  'Transfer-Encoding': 'chunked',
  'Content-Length': '0',
  Connection: 'keep-alive, x-partner-key',
  'Keep-Alive': 'timeout=600',
  Upgrade: 'h2c',
  TE: 'trailers',
  Trailer: 'x-checksum',
  'Proxy-Authorization': 'Basic cHJveHk6cHJveHk=',
};

describe('ForwardWebhookCommand headers', () => {
  let database: TestDatabase;
  let service: RunningService;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  let elsewhere: Awaited<ReturnType<typeof startForwardTarget>>;
  beforeAll(async () => {
    [target, elsewhere] = await Promise.all([startForwardTarget(), startForwardTarget()]);
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] } });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await target?.close();
    await elsewhere?.close();
  });

  const forward = (url: string, headers: Record<string, string>) =>
    service.execution.execute(
      executionRequest({
        executionType: 1,
        commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url, headers } }],
      }),
    );

  it.each(clientKinds)('refuses a config whose chain sets hop-by-hop or framing headers (%s)', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    try {
      const outcome = await client.call('CreateWebHookConfigCommand', {
        key: `forward-smuggle-${kind}`,
        path: `/forward/smuggle/${kind}`,
        action: 'POST',
        executionType: 1,
        commandChain: [
          { commandName: 'EchoCommand', parameters: {} },
          {
            commandName: 'ForwardWebhookCommand',
            parameters: { url: 'http://127.0.0.1/ok', headers: { ...smuggling, 'X-Partner-Key': 'k1' } },
          },
        ],
      });
      expect(outcome.success).toBe(false);
      expect(outcome.message).toBe('Validation failed');
      expect(outcome.errors).toEqual(
        Object.keys(smuggling).map(
          (name) => `Step 2 (ForwardWebhookCommand): parameters.headers may not set "${name}": the HTTP client sets it`,
        ),
      );
    } finally {
      client.close();
    }
  });

  it('drops them at run time (a chain stored before, or a script) and sends the rest', async () => {
    const chained = await forward(`http://127.0.0.1:${target.port}/ok`, { ...smuggling, 'X-Partner-Key': 'k1' });
    expect(chained.success).toBe(true);
    const sent = target.received.at(-1)!;
    expect(sent.headers).toMatchObject({
      host: `127.0.0.1:${target.port}`,
      'content-length': String(Buffer.byteLength(sent.body)),
      'x-partner-key': 'k1',
    });
    for (const name of ['transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization'])
      expect(sent.headers).not.toHaveProperty(name);
    expect(sent.headers.connection).not.toMatch(/x-partner-key/);

    const scripted = await service.execution.execute(
      scriptRequest(`return doCmd('ForwardWebhookCommand', { parameters: { url: 'http://127.0.0.1:${target.port}/ok',
        headers: { 'Content-Length': '2', 'Transfer-Encoding': 'chunked', Host: 'evil.example', 'X-Trace': 't-9' } }, body: { amount: 5000 } }).data.status;`),
    );
    expect(dataOf(scripted)).toBe(200);
    expect(target.received.at(-1)).toMatchObject({
      body: '{"amount":5000}',
      headers: { host: `127.0.0.1:${target.port}`, 'content-length': '15', 'x-trace': 't-9' },
    });
    expect(target.received.at(-1)!.headers).not.toHaveProperty('transfer-encoding');
  });

  it('keeps credentials on a redirect within the origin and drops them on one to another origin', async () => {
    const credentials = { Authorization: 'Bearer partner-token', Cookie: 'session=abc', 'X-Api-Key': 'secret-key' };
    const same = await forward(`http://127.0.0.1:${target.port}/redirect?to=/ok`, credentials);
    expect(same.success).toBe(true);
    expect(target.received.at(-1)).toMatchObject({
      path: '/ok',
      headers: { authorization: 'Bearer partner-token', cookie: 'session=abc', 'x-api-key': 'secret-key' },
    });

    const away = await forward(`http://127.0.0.1:${target.port}/redirect?to=http://127.0.0.1:${elsewhere.port}/ok`, credentials);
    expect(away.success).toBe(true);
    const arrived = elsewhere.received.at(-1)!;
    expect(arrived).toMatchObject({
      method: 'POST',
      path: '/ok',
      headers: { 'content-type': 'application/json', 'user-agent': 'bpm-webhooks' },
    });
    for (const name of ['authorization', 'cookie', 'x-api-key']) expect(arrived.headers).not.toHaveProperty(name);

    // Sent away and back: the way back is the other origin's choice, so still without them.
    const back = encodeURIComponent(
      `http://127.0.0.1:${elsewhere.port}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${target.port}/ok`)}`,
    );
    expect((await forward(`http://127.0.0.1:${target.port}/redirect?to=${back}`, credentials)).success).toBe(true);
    const returned = target.received.at(-1)!;
    expect(returned.path).toBe('/ok');
    for (const name of ['authorization', 'cookie', 'x-api-key']) expect(returned.headers).not.toHaveProperty(name);
  });
});
