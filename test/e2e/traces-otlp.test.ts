import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { createTracing } from '../../src/tracing/create-tracing.js';
import type { Tracing } from '../../src/tracing/tracing.js';
import { mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { createFlakyCommand } from '../helpers/test-commands.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { type OtlpSpan, startOtlpReceiver } from '../helpers/test-tracing.js';
import { callWebhook, command, createConfig, eventErrors } from '../helpers/webhook-calls.js';

const bodyMarker = 'iban-NG00-body-only';
const collectorToken = 'collector-token-7781';

describe.each(engines)('traces exported over OTLP/HTTP on %s', (engine) => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  let tracing: Tracing;
  let service: RunningService;
  let now = new Date('2026-12-08T03:00:00.000Z');
  const flaky = createFlakyCommand(2);

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    receiver = await startOtlpReceiver();
    target = await startForwardTarget();
    // The configuration a deployment would have: the service's own settings, read from the environment.
    const settings = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${collectorToken}`,
      OTEL_SERVICE_NAME: 'bpm-webhooks-otlp-test',
    }).tracing;
    tracing = (await createTracing(settings))!;
    service = await startTestService(database.db, {
      clock: () => now,
      startWorker: false,
      extraCommands: [flaky.command],
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
      delivery: { retryBaseMs: 1_000, retryMaxMs: 4_000 },
      tracing,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await tracing?.shutdown();
    await receiver?.close();
    await target?.close();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    receiver.spans.length = 0;
  });

  const exported = async (name: string): Promise<OtlpSpan[]> => {
    await tracing.flush();
    return receiver.spans.filter((span) => span.name === name);
  };
  const attribute = (span: OtlpSpan, key: string) => {
    const value = span.attributes?.find((entry) => entry.key === key)?.value;
    return value && Object.values(value)[0];
  };

  it('exports a sync webhook, a retried async one, a chain with a forward and a correlation, with their parents and links', async () => {
    await createConfig(service.baseUrl, {
      key: 'sync-echo',
      path: 'sync',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    await createConfig(service.baseUrl, {
      key: 'async-flaky',
      path: 'async',
      action: 'POST',
      executionType: 0,
      commandName: 'FlakyTestCommand',
      responseMode: 'async',
    });
    await createConfig(service.baseUrl, {
      key: 'chain',
      path: 'chain',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok` } }],
    });
    const deployed = await command(service.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'Loan',
      bpmnXml: mandateLoanProcess,
    });
    const definitionId = (deployed.data as { id: number }).id;
    await command(service.baseUrl, 'StartProcessInstanceCommand', {
      processDefinitionId: definitionId,
      variables: { mandateRef: 'MR-9', amount: 1 },
    });
    await createConfig(service.baseUrl, {
      key: 'correlate',
      path: 'correlate',
      action: 'POST',
      executionType: 3,
      processDefinitionId: definitionId,
      processAction: 'correlate',
      messageName: 'MandateApproved',
      correlationKey: '/data/mandateRef',
    });
    const body = JSON.stringify({ data: { mandateRef: 'MR-9', note: bodyMarker } });

    expect((await callWebhook(service.baseUrl, 'sync', { body })).status).toBe(200);
    const [sync] = await exported('process sync-echo');
    const [syncSend] = await exported('send sync-echo');
    expect(sync!.traceId).toBe(syncSend!.traceId);
    expect(sync!.links?.map((link) => link.spanId)).toEqual([syncSend!.spanId]);
    const [server] = receiver.spans.filter((span) => span.name === 'POST /api/webhook/{path}');
    expect(sync!.parentSpanId).toBe(server!.spanId);

    const accepted = await callWebhook(service.baseUrl, 'async', { body });
    expect(accepted.status).toBe(202);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await service.worker.drain()).toBe(1);
      now = new Date(now.getTime() + 60_000);
    }
    const [send] = await exported('send async-flaky');
    const attempts = await exported('process async-flaky');
    expect(attempts.map((span) => attribute(span, 'bpm_webhooks.outcome'))).toEqual(['retry', 'retry', 'succeeded']);
    for (const span of attempts) {
      expect(span.traceId).toBe(send!.traceId);
      expect(span.parentSpanId).toBe(send!.spanId);
      expect(span.links).toEqual([expect.objectContaining({ traceId: send!.traceId, spanId: send!.spanId })]);
    }
    const event = await findWebhookEventById(database.db, Number((accepted.json.data as { eventId: number }).eventId));
    expect(event!.trace.traceContext).toEqual({ traceparent: `00-${send!.traceId}-${send!.spanId}-01` });

    const arrived = target.nextRequest();
    expect((await callWebhook(service.baseUrl, 'chain', { body })).status).toBe(200);
    const [forward] = await exported('POST 127.0.0.1');
    const [step] = await exported('chain step ForwardWebhookCommand');
    expect(forward!.parentSpanId).toBe(step!.spanId);
    expect((await arrived).headers.traceparent).toBe(`00-${forward!.traceId}-${forward!.spanId}-01`);

    const moved = await callWebhook(service.baseUrl, 'correlate', { body });
    expect({ status: moved.status, errors: moved.status === 200 ? [] : await eventErrors(service.baseUrl, moved) }).toEqual({
      status: 200,
      errors: [],
    });
    const [correlate] = await exported('process instance correlate');
    expect(attribute(correlate!, 'bpm_webhooks.process.status')).toBe('COMPLETED');

    // What reached the collector: its token on every export, and nothing of the bodies.
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request.headers.authorization).toBe(`Bearer ${collectorToken}`);
      expect(request.text).toContain('bpm-webhooks-otlp-test');
      for (const secret of [bodyMarker, 'MR-9', service.adminToken]) expect(request.text).not.toContain(secret);
    }
  });
});

describe.each(engines)('traces exported as OTLP/HTTP protobuf on %s', (engine) => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracing: Tracing;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    receiver = await startOtlpReceiver();
    const settings = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    tracing = (await createTracing(settings.tracing))!;
    service = await startTestService(database.db, { startWorker: false, tracing });
  });
  afterAll(async () => {
    await service?.stop();
    await tracing?.shutdown();
    await receiver?.close();
    await database?.destroy();
  });

  it('sends the spans of a sync webhook as application/x-protobuf, without its body', async () => {
    await createConfig(service.baseUrl, {
      key: 'proto-echo',
      path: 'proto',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    const body = JSON.stringify({ note: bodyMarker });
    expect((await callWebhook(service.baseUrl, 'proto', { body })).status).toBe(200);
    await tracing.flush();
    const exports = receiver.requests.filter((request) => request.headers['content-type'] === 'application/x-protobuf');
    expect(exports.length).toBeGreaterThan(0);
    const sent = exports.map((request) => request.text).join('');
    for (const name of ['send proto-echo', 'process proto-echo', 'execute ExecuteNativeCommand']) expect(sent).toContain(name);
    expect(sent).not.toContain(bodyMarker);
  });
});

describe.each(engines)('with tracing off on %s', (engine) => {
  let database: TestDatabase;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    target = await startForwardTarget();
    service = await startTestService(database.db, {
      startWorker: false,
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await target?.close();
    await database?.destroy();
  });

  it('stores no trace context and passes the caller’s traceparent on to a forward unchanged', async () => {
    await createConfig(service.baseUrl, {
      key: 'off',
      path: 'off',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok` } }],
    });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const arrived = target.nextRequest();
    const response = await callWebhook(service.baseUrl, 'off', {
      body: '{}',
      headers: { traceparent },
    });
    expect(response.status).toBe(200);
    expect((await arrived).headers.traceparent).toBe(traceparent);
    const event = await findWebhookEventById(database.db, Number(response.headers.get('x-webhook-event-id')));
    expect(event!.trace).not.toHaveProperty('traceContext');
  });
});
