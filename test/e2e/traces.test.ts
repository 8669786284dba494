import { type Link, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findProcessInstanceById } from '../../src/store/process-instances.js';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { postProvider } from '../helpers/provider-calls.js';
import { createFlakyCommand, failingCommand } from '../helpers/test-commands.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { createMemoryTracing, traceparentOf } from '../helpers/test-tracing.js';
import { callWebhook, command, createConfig, eventErrors } from '../helpers/webhook-calls.js';

const start = new Date('2026-12-08T03:00:00.000Z');
/** What no span may carry: a body's content, a verification secret, a bearer token. */
const bodyMarker = 'acct-4417-body-only';
const apiSecret = 'sk_live_trace_secret_value_0042';
const monoSecret = 'mono-secret-for-trace-tests-0099';
const incoming = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const incomingTraceparent = `00-${incoming.traceId}-${incoming.spanId}-01`;

describe.each(engines)('traces on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let traces: Awaited<ReturnType<typeof createMemoryTracing>>;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  let now = start;
  const flaky = createFlakyCommand(2);

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    traces = await createMemoryTracing();
    target = await startForwardTarget();
    service = await startTestService(database.db, {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [flaky.command, failingCommand],
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
      delivery: { retryBaseMs: 1_000, retryMaxMs: 4_000 },
      providers: { monoWebhookSecret: monoSecret },
      tracing: traces.tracing,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await target?.close();
    await traces?.tracing.shutdown();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    traces.reset();
    flaky.runs.clear();
    now = start;
  });

  const spansNamed = (name: string) => traces.spans().filter((span) => span.name === name);
  const only = (name: string) => {
    const found = spansNamed(name);
    expect(found.map((span) => span.name)).toEqual([name]);
    return found[0]!;
  };
  const isChildOf = (child: ReadableSpan, parent: ReadableSpan) => {
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  };
  const linkedTo = (links: readonly Link[], span: ReadableSpan) =>
    expect(links.map((link) => link.context.spanId)).toEqual([span.spanContext().spanId]);
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    callWebhook(service.baseUrl, path, { body, headers });

  it('follows a sync webhook from the caller’s traceparent through send, process and execution', async () => {
    await createConfig(service.baseUrl, {
      key: 'paystack-sync',
      path: 'paystack/sync',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'api-key', header: 'x-api-key', secret: apiSecret },
    });
    const response = await post('paystack/sync', JSON.stringify({ account: bodyMarker }), {
      traceparent: incomingTraceparent,
      'x-api-key': apiSecret,
    });
    expect(response.status).toBe(200);

    const server = only('POST /api/webhook/{path}');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(incoming.traceId);
    expect(server.parentSpanContext?.spanId).toBe(incoming.spanId);
    expect(server.attributes).toMatchObject({ 'http.route': '/api/webhook/{path}', 'http.response.status_code': 200 });
    const send = only('send paystack-sync');
    expect(send.kind).toBe(SpanKind.PRODUCER);
    isChildOf(send, server);
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    expect(send.attributes).toMatchObject({ 'messaging.operation.type': 'send', 'messaging.message.id': String(eventId) });
    const process = only('process paystack-sync');
    expect(process.kind).toBe(SpanKind.CONSUMER);
    isChildOf(process, server);
    linkedTo(process.links, send);
    expect(process.attributes).toMatchObject({ 'bpm_webhooks.attempt': 1, 'bpm_webhooks.outcome': 'succeeded' });
    isChildOf(only('execute ExecuteNativeCommand'), process);

    // The creation context is stored with the event: a later attempt or replay links to it.
    const event = await findWebhookEventById(database.db, eventId);
    expect(event!.trace.traceContext).toEqual({ traceparent: traceparentOf(send.spanContext()) });
  });

  it('links each of three attempts of an async webhook (two failures, then success) to its send span', async () => {
    await createConfig(service.baseUrl, {
      key: 'remita-async',
      path: 'remita/async',
      action: 'POST',
      executionType: 0,
      commandName: 'FlakyTestCommand',
      responseMode: 'async',
      maxAttempts: 5,
    });
    const response = await post('remita/async', JSON.stringify({ rrr: bodyMarker }), { traceparent: incomingTraceparent });
    expect(response.status).toBe(202);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      expect(await service.worker.drain()).toBe(1);
      now = new Date(now.getTime() + 60_000);
    }
    const send = only('send remita-async');
    expect(send.spanContext().traceId).toBe(incoming.traceId);
    const attempts = spansNamed('process remita-async');
    expect(attempts.map((span) => [span.attributes['bpm_webhooks.attempt'], span.attributes['bpm_webhooks.outcome']])).toEqual([
      [1, 'retry'],
      [2, 'retry'],
      [3, 'succeeded'],
    ]);
    for (const attempt of attempts) {
      // A worker's attempt has no request around it: it continues the send span's trace.
      isChildOf(attempt, send);
      linkedTo(attempt.links, send);
      expect(attempt.kind).toBe(SpanKind.CONSUMER);
    }
    expect(attempts.map((span) => span.status.code)).toEqual([2, 2, 0]);
  });

  it('records a settle span when the attempts of an event run out', async () => {
    await createConfig(service.baseUrl, {
      key: 'core-down',
      path: 'core/down',
      action: 'POST',
      executionType: 0,
      commandName: 'FailingTestCommand',
      responseMode: 'async',
      maxAttempts: 1,
    });
    expect((await post('core/down', '{}')).status).toBe(202);
    expect(await service.worker.drain()).toBe(1);
    const process = only('process core-down');
    expect(process.attributes['bpm_webhooks.outcome']).toBe('dead');
    const settle = only('settle core-down');
    isChildOf(settle, process);
    expect(settle.attributes).toMatchObject({ 'messaging.operation.type': 'settle', 'bpm_webhooks.outcome': 'dead' });
  });

  it('gives each chain step a span and sends the forward span’s traceparent to the target', async () => {
    await createConfig(service.baseUrl, {
      key: 'chain-forward',
      path: 'chain/forward',
      action: 'POST',
      executionType: 1,
      commandChain: [
        { commandName: 'EchoCommand', parameters: {} },
        { commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok` } },
      ],
    });
    const arrived = target.nextRequest();
    const response = await post('chain/forward', JSON.stringify({ amount: bodyMarker }), { traceparent: incomingTraceparent });
    expect(response.status).toBe(200);
    const request = await arrived;

    const execution = only('execute ExecuteCommandChain');
    const [echo, forwardStep] = [only('chain step EchoCommand'), only('chain step ForwardWebhookCommand')];
    isChildOf(echo, execution);
    isChildOf(forwardStep, execution);
    expect(forwardStep.attributes).toMatchObject({ 'bpm_webhooks.chain.step': 2, 'bpm_webhooks.outcome': 'succeeded' });
    const forward = only('POST 127.0.0.1');
    expect(forward.kind).toBe(SpanKind.CLIENT);
    isChildOf(forward, forwardStep);
    expect(forward.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    expect(request.headers.traceparent).toBe(traceparentOf(forward.spanContext()));
    expect(forward.spanContext().traceId).toBe(incoming.traceId);
  });

  it('shows the process instance a correlating webhook moves', async () => {
    const deployed = await command(service.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'Mandate loan',
      bpmnXml: mandateLoanProcess,
    });
    const definitionId = (deployed.data as { id: number }).id;
    const started = await command(service.baseUrl, 'StartProcessInstanceCommand', {
      processDefinitionId: definitionId,
      variables: { mandateRef: 'MR-7001', amount: 50_000 },
    });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const startedBy = (await findProcessInstanceById(database.db, instanceId))!.traceContext;
    expect(startedBy).toEqual({ traceparent: traceparentOf(only('process instance start').spanContext()) });
    await createConfig(service.baseUrl, {
      key: 'mandates',
      path: 'mono/mandates',
      action: 'POST',
      executionType: 3,
      processDefinitionId: definitionId,
      processAction: 'correlate',
      messageName: 'MandateApproved',
      correlationKey: '/data/mandateRef',
    });
    traces.reset();
    const body = JSON.stringify({ event: 'mandate.approved', data: { mandateRef: 'MR-7001', note: bodyMarker } });
    const response = await post('mono/mandates', body);
    const errors = response.status === 200 ? [] : await eventErrors(service.baseUrl, response);
    expect({ status: response.status, errors }).toEqual({ status: 200, errors: [] });

    const correlate = only('process instance correlate');
    isChildOf(correlate, only('execute StartProcess'));
    expect(correlate.attributes).toMatchObject({
      'bpm_webhooks.process.definition_id': definitionId,
      'bpm_webhooks.process.message_name': 'MandateApproved',
      'bpm_webhooks.process.instance_id': instanceId,
      'bpm_webhooks.process.status': 'COMPLETED',
    });
    // The message's context replaces the start's: what the instance does later follows from it.
    const stored = await findProcessInstanceById(database.db, instanceId);
    expect(stored!.traceContext).toEqual({ traceparent: traceparentOf(correlate.spanContext()) });
    // The correlation key is a customer's reference: not recorded.
    expect(JSON.stringify(traces.spans().map((span) => span.attributes))).not.toContain('MR-7001');
  });

  it('traces a fixed provider endpoint too: its route template, the send span of its stored event, not its secret', async () => {
    const body = { event: 'mandate.approved', event_id: 'evt-1', data: { account: bodyMarker } };
    const response = await postProvider(service.baseUrl, '/api/webhooks/mono/callback', body, {
      'mono-webhook-secret': monoSecret,
      traceparent: incomingTraceparent,
    });
    expect(response.status).toBe(200);
    const server = only('POST /api/webhooks/mono/callback');
    expect(server.parentSpanContext?.spanId).toBe(incoming.spanId);
    isChildOf(only('send mono-callback'), server);
    const recorded = JSON.stringify(traces.spans().map((span) => [span.name, span.attributes]));
    for (const secret of [monoSecret, bodyMarker]) expect(recorded).not.toContain(secret);
  });

  it('gives a management RPC a server span under the caller’s traceparent', async () => {
    const response = await fetch(`${service.baseUrl}/bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigList`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${service.adminToken}`,
        traceparent: incomingTraceparent,
      },
      body: JSON.stringify({ pageNumber: 1, pageSize: 10 }),
    });
    expect(response.status).toBe(200);
    const rpc = only('bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigList');
    expect(rpc.kind).toBe(SpanKind.SERVER);
    expect(rpc.parentSpanContext?.spanId).toBe(incoming.spanId);
    expect(rpc.attributes).toMatchObject({ 'rpc.method': 'GetWebHookConfigList', 'rpc.connect_rpc.error_code': 'ok' });

    const refused = await fetch(`${service.baseUrl}/bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigById`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.adminToken}` },
      body: JSON.stringify({ id: 999 }),
    });
    expect(refused.status).toBe(404);
    const failed = only('bpm.webhooks.v1.WebHookConfigService/GetWebHookConfigById');
    expect(failed.attributes['rpc.connect_rpc.error_code']).toBe('not_found');
    expect(failed.status.code).toBe(2);
  });

  it('gives a command sent to the legacy JSON endpoint a server span under the caller’s traceparent', async () => {
    const response = await fetch(`${service.baseUrl}/api/bpm/cmd`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${service.adminToken}`,
        traceparent: incomingTraceparent,
      },
      body: JSON.stringify({ $type: 'GetWebHookConfigListQuery', pageNumber: 1, pageSize: 10 }),
    });
    expect(response.status).toBe(200);
    const gateway = only('POST /api/bpm/cmd');
    expect(gateway.kind).toBe(SpanKind.SERVER);
    expect(gateway.parentSpanContext?.spanId).toBe(incoming.spanId);
    expect(gateway.attributes).toMatchObject({ 'http.route': '/api/bpm/cmd', 'http.response.status_code': 200 });
  });

  it('gives each doCmd of a script a span under the script’s execution', async () => {
    await createConfig(service.baseUrl, {
      key: 'script-commands',
      path: 'script/commands',
      action: 'POST',
      executionType: 2,
      executionCode: `
        const echoed = doCmd('EchoCommand', { reference: body.reference });
        const missing = doCmd('NoSuchCommand', {});
        return { reference: echoed.data.reference, missing: missing.isSuccessful };`,
    });
    const response = await callWebhook(service.baseUrl, 'script/commands', {
      body: JSON.stringify({ reference: 'R-9' }),
      headers: { authorization: `Bearer ${service.adminToken}` },
    });
    expect(response.status).toBe(200);
    const execution = only('execute ExecuteCode');
    const echo = only('doCmd EchoCommand');
    isChildOf(echo, execution);
    expect(echo.attributes).toMatchObject({ 'bpm_webhooks.command.name': 'EchoCommand' });
    const missing = only('doCmd NoSuchCommand');
    isChildOf(missing, execution);
    expect(missing.status.code).toBe(2);
  });

  it('puts no body, secret or token in any span attribute', async () => {
    await createConfig(service.baseUrl, {
      key: 'secrets',
      path: 'secrets/in',
      action: 'POST',
      executionType: 2,
      executionCode: `return { seen: body.account };`,
      verification: { scheme: 'api-key', header: 'x-api-key', secret: apiSecret },
    });
    const response = await callWebhook(service.baseUrl, `secrets/in`, {
      body: JSON.stringify({ account: bodyMarker }),
      headers: { 'x-api-key': apiSecret, authorization: `Bearer ${service.adminToken}`, traceparent: incomingTraceparent },
    });
    expect(response.status).toBe(200);
    isChildOf(only('execute ExecuteCode'), only('process secrets'));
    const recorded = JSON.stringify(traces.spans().map((span) => [span.name, span.attributes, span.events, span.links]));
    for (const secret of [bodyMarker, apiSecret, service.adminToken, 'x-api-key']) expect(recorded).not.toContain(secret);
  });
});
