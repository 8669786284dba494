import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createManagementClient } from '../helpers/management-clients.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { failingCommand } from '../helpers/test-commands.js';
import { approvalProcess } from '../fixtures/bpmn/definitions.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';
import { createTestAuthenticator } from '../helpers/tokens.js';

const metricsToken = 'scrape-token-0123456789';

describe.each(engines)('metrics and request ids on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let now = new Date('2026-12-02T08:00:00.000Z');
  const logLines: Record<string, unknown>[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const log = pino({ level: 'info' }, sink);
    service = await startTestService(database.db, {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [failingCommand],
      executors: { script: { ...defaultExecutors.script, timeoutMs: 300 } },
      operations: { metricsToken, grpcReflection: true },
      log,
      authenticate: createTestAuthenticator(log),
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  const scrape = async (token = metricsToken) =>
    fetch(`${service.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });

  it('counts the requests, RPCs, webhooks, attempts, retries and dead letters that real traffic caused', async () => {
    await createConfig(service.baseUrl, {
      key: 'echo',
      path: '/echo',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    await createConfig(service.baseUrl, {
      key: 'core-banking',
      path: '/core',
      action: 'POST',
      executionType: 0,
      commandName: 'FailingTestCommand',
      responseMode: 'async',
      maxAttempts: 2,
    });
    for (const n of [1, 2])
      expect((await callWebhook(service.baseUrl, 'echo', { body: JSON.stringify({ n }) })).status).toBe(200);
    expect((await callWebhook(service.baseUrl, 'nowhere', { body: '{}' })).status).toBe(404);
    expect((await callWebhook(service.baseUrl, 'core', { body: '{}' })).status).toBe(202);
    await service.worker.drain();
    now = new Date(now.getTime() + 3_600_000);
    await service.worker.drain();
    const client = createManagementClient('grpc', service.baseUrl, service.adminToken);
    expect(await client.call('GetWebHookConfigByIdQuery', { id: 999_999 })).toMatchObject({ code: 'not_found' });
    client.close();

    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const value = (name: string, labels: Record<string, string>) => sampleValue(text, name, labels);
    expect(value('bpm_http_requests_total', { route: '/api/webhook/*', method: 'POST', status: '200' })).toBe(2);
    expect(value('bpm_http_requests_total', { route: '/api/webhook/*', method: 'POST', status: '404' })).toBe(1);
    expect(value('bpm_http_requests_total', { route: '/api/bpm/cmd', method: 'POST', status: '200' })).toBe(2);
    expect(value('bpm_http_request_duration_seconds_count', { route: '/api/webhook/*', method: 'POST' })).toBe(4);
    expect(
      value('bpm_rpc_requests_total', {
        method: '/bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigById',
        code: 'not_found',
      }),
    ).toBe(1);
    expect(value('bpm_webhooks_accepted_total', { source: 'router', mode: 'sync' })).toBe(2);
    expect(value('bpm_webhooks_accepted_total', { source: 'router', mode: 'async' })).toBe(1);
    expect(value('bpm_webhooks_refused_total', { source: 'router', reason: 'not_found' })).toBe(1);
    const echo = { config_key: 'echo', execution_type: 'ExecuteNativeCommand' };
    expect(value('bpm_executions_total', { ...echo, outcome: 'succeeded' })).toBe(2);
    expect(value('bpm_execution_duration_seconds_count', echo)).toBe(2);
    expect(value('bpm_executions_total', { config_key: 'core-banking', outcome: 'failed' })).toBe(2);
    expect(value('bpm_event_attempts_total', { source: 'router', mode: 'sync', outcome: 'succeeded' })).toBe(2);
    expect(value('bpm_event_attempts_total', { source: 'router', mode: 'async', outcome: 'retry' })).toBe(1);
    expect(value('bpm_event_retries_total', { source: 'router' })).toBe(1);
    expect(value('bpm_event_dead_letters_total', { source: 'router' })).toBe(1);
    expect(text).toContain('# TYPE bpm_store_pool_connections gauge');
  });

  it('reports the inbox depth and the age of the oldest due event per source', async () => {
    await createConfig(service.baseUrl, {
      key: 'later',
      path: '/later',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    for (const n of [1, 2])
      expect((await callWebhook(service.baseUrl, 'later', { body: JSON.stringify({ n }) })).status).toBe(202);
    now = new Date(now.getTime() + 90_000);
    const text = await (await scrape()).text();
    expect(sampleValue(text, 'bpm_inbox_events', { source: 'router', status: 'queued' })).toBe(2);
    expect(sampleValue(text, 'bpm_inbox_oldest_due_age_seconds', { source: 'router' })).toBe(90);
    await service.worker.drain();
    const after = await (await scrape()).text();
    expect(sampleValue(after, 'bpm_inbox_events', { source: 'router', status: 'queued' })).toBeUndefined();
  });

  it('counts a script cut off by its timeout and the process instances by status', async () => {
    await createConfig(service.baseUrl, {
      key: 'spinning',
      path: '/spinning',
      action: 'POST',
      executionType: 2,
      executionCode: 'while (true) {}',
    });
    expect((await callWebhook(service.baseUrl, 'spinning', { body: '{}' })).status).toBeGreaterThanOrEqual(400);
    const admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'approval', bpmnXml: approvalProcess });
    const processDefinitionId = (deployed.data as { id: number }).id;
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables: {} });
    expect(started.data).toMatchObject({ status: 'WAITING' });
    admin.close();

    const text = await (await scrape()).text();
    expect(sampleValue(text, 'bpm_script_timeouts_total', { config_key: 'spinning' })).toBe(1);
    expect(sampleValue(text, 'bpm_process_instances', { status: 'WAITING' })).toBe(1);
    expect(sampleValue(text, 'bpm_process_instances', { status: 'COMPLETED' })).toBeUndefined();
  });

  it('answers /metrics only with the scrape token when one is set', async () => {
    expect((await fetch(`${service.baseUrl}/metrics`)).status).toBe(401);
    expect((await scrape('wrong-token-0123456789')).status).toBe(401);
  });

  it('keeps a valid x-request-id, returns it, stores it on the event and logs it with every attempt', async () => {
    await createConfig(service.baseUrl, {
      key: 'traced',
      path: '/traced',
      action: 'POST',
      executionType: 0,
      commandName: 'FailingTestCommand',
      responseMode: 'async',
      maxAttempts: 1,
    });
    const response = await callWebhook(service.baseUrl, 'traced', { body: '{}', headers: { 'x-request-id': 'bank-req.42:a' } });
    expect(response.status).toBe(202);
    expect(response.headers.get('x-request-id')).toBe('bank-req.42:a');
    const eventId = (response.json.data as { eventId: number }).eventId;
    await service.worker.drain();
    const stored = await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: eventId });
    expect(stored.data).toMatchObject({ id: eventId, requestId: 'bank-req.42:a', status: 'dead' });
    const attemptLines = logLines.filter((line) => line.eventId === eventId);
    expect(attemptLines.length).toBeGreaterThan(0);
    expect(attemptLines.every((line) => line.requestId === 'bank-req.42:a')).toBe(true);
    expect(attemptLines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'webhook event attempt finished', status: 'dead', errors: [expect.any(String)] }),
    );
  });

  it('names the request on the refusal lines of authentication (gateway and RPC) and of a provider', async () => {
    const post = (path: string, requestId: string, body: string) =>
      fetch(`${service.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body,
      });
    expect((await post('/api/bpm/cmd', 'gateway-refused', '{"$type":"GetWebHookConfigListQuery"}')).status).toBe(401);
    expect((await post('/bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigById', 'rpc-refused', '{"id":"1"}')).status).toBe(
      401,
    );
    expect((await post('/api/webhooks/remita', 'remita-refused', '[]')).status).toBe(403);
    const refusals = logLines.filter((line) => /^(authentication|webhook) refused$/.test(String(line.msg)));
    expect(refusals.map((line) => line.requestId)).toEqual(
      expect.arrayContaining(['gateway-refused', 'rpc-refused', 'remita-refused']),
    );
  });

  it('replaces a missing or unsafe x-request-id with a new one, on every kind of answer', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    const unsafe = await callWebhook(service.baseUrl, 'nowhere', { body: '{}', headers: { 'x-request-id': 'a b\tc'.repeat(3) } });
    expect(unsafe.headers.get('x-request-id')).toMatch(uuid);
    const tooLong = await fetch(`${service.baseUrl}/healthz`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(tooLong.headers.get('x-request-id')).toMatch(uuid);
    const rpc = await fetch(`${service.baseUrl}/bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigById`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'rpc-1' },
      body: '{"id":"1"}',
    });
    expect(rpc.status).toBe(401);
    expect(rpc.headers.get('x-request-id')).toBe('rpc-1');
  });
});
