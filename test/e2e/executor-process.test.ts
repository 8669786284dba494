import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { toExecutionRequest } from '../../src/executors/execution-wire.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { executionRequest } from '../helpers/execution-requests.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { type OtlpSpan, startOtlpReceiver } from '../helpers/test-tracing.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventErrors, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const executorToken = 'executor-token-for-tests-0123456789abcdef';

// The executor process shares the service's database (processes, audit), so this mode is PostgreSQL's.
describe.skipIf(!url)('a service whose executors run in a process of their own (EXECUTOR_URL)', () => {
  let database: ScratchDatabase | undefined;
  let executors: ChildService;
  let service: ChildService;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    database = await createScratchDatabase(url!, 'bpm_executors');
    receiver = await startOtlpReceiver();
    const shared = {
      DATABASE_URL: database.url,
      EXECUTOR_TOKEN: executorToken,
      // Both processes trace with the same settings, to one collector (JSON, which the receiver reads), soon after each span.
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    executors = await startChildService(shared, 60_000, 'src/executor-main.ts');
    service = await startChildService({
      ...shared,
      AUTH_HS256_SECRET: testSecret,
      EXECUTOR_URL: executors.baseUrl,
      WORKER_POLL_MS: '50',
    });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await executors?.stop();
    await receiver?.close();
    await database?.drop();
  });

  it('runs a sync command chain there and answers with its data', async () => {
    await createConfig(service.baseUrl, {
      key: 'remote-chain',
      path: '/remote/chain',
      action: 'POST',
      executionType: 1,
      commandChain: [
        { commandName: 'EchoCommand', parameters: { stage: 'validate' } },
        { commandName: 'EchoCommand', parameters: { stage: 'post' } },
      ],
    });
    const response = await callWebhook(service.baseUrl, 'remote/chain', { body: '{"reference":"R-1","amount":500}' });
    expect(response.status).toBe(200);
    expect(response.json.data).toMatchObject({
      parameters: { stage: 'post' },
      previous: { parameters: { stage: 'validate' }, body: { reference: 'R-1', amount: 500 } },
      body: { reference: 'R-1', amount: 500 },
      key: 'remote-chain',
    });
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    const event = await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: eventId });
    expect(event.data).toMatchObject({
      status: 'succeeded',
      attempts: [
        {
          steps: [
            { commandName: 'EchoCommand', success: true },
            { commandName: 'EchoCommand', success: true },
          ],
        },
      ],
    });
  });

  it('runs a script there, with doCmd, console output and a direct HTTP answer', async () => {
    await createConfig(service.baseUrl, {
      key: 'remote-script',
      path: '/remote/script',
      action: 'POST',
      executionType: 2,
      executionCode: `
        const echoed = doCmd('EchoCommand', { reference: body.reference });
        console.info('posting', body.reference);
        return { httpResponse: { status: 201, headers: { 'x-ledger': 'ok' }, body: { ref: echoed.data.reference, kobo: body.amount * 100 } } };`,
    });
    const response = await callWebhook(service.baseUrl, 'remote/script', { body: '{"reference":"R-2","amount":7}' });
    expect(response.status).toBe(201);
    expect(response.headers.get('x-ledger')).toBe('ok');
    expect(response.json).toEqual({ ref: 'R-2', kobo: 700 });
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    const event = await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: eventId });
    expect(event.data).toMatchObject({
      status: 'succeeded',
      attempts: [
        {
          logs: [{ level: 'info', message: 'posting R-2' }],
          steps: [{ commandName: 'EchoCommand', success: true, data: { reference: 'R-2' } }],
        },
      ],
    });
  });

  it('runs an async webhook there through the workers', async () => {
    await createConfig(service.baseUrl, {
      key: 'remote-async',
      path: '/remote/async',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    const accepted = await callWebhook(service.baseUrl, 'remote/async', { body: '{"n":1}' });
    expect(accepted.status).toBe(202);
    const eventId = (accepted.json.data as { eventId: number }).eventId;
    const event = await eventually(async () => {
      const read = await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id: eventId });
      return (read.data as { status: string }).status === 'succeeded' ? read.data : undefined;
    }, 10_000);
    expect(event).toMatchObject({ result: { body: { n: 1 }, eventId } });
  });

  it('carries an attempt’s trace into the executor process, whose call, script and doCmd spans are its children', async () => {
    await createConfig(service.baseUrl, {
      key: 'remote-traced',
      path: '/remote/traced',
      action: 'POST',
      executionType: 2,
      executionCode: `return doCmd('EchoCommand', { reference: body.reference }).data;`,
    });
    const caller = { traceId: '7c1f0e2d3b4a59687766554433221100', spanId: '1122334455667788' };
    const marker = 'acct-remote-body-only';
    const response = await callWebhook(service.baseUrl, 'remote/traced', {
      body: JSON.stringify({ reference: marker }),
      headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` },
    });
    expect(response.status).toBe(200);

    const one = (name: string, from: string): OtlpSpan => {
      const found = receiver.spans.filter(
        (span) => span.traceId === caller.traceId && span.name === name && span.service === from,
      );
      expect(found.map((span) => span.name)).toEqual([name]);
      return found[0]!;
    };
    const rpc = 'bpm.webhooks.v1.ExecutionService/Execute';
    await eventually(async () => {
      const names = new Set(receiver.spans.filter((span) => span.traceId === caller.traceId).map((span) => span.name));
      return names.has('doCmd EchoCommand') && names.has('process remote-traced') ? true : undefined;
    });
    const attempt = one('process remote-traced', 'bpm-webhooks');
    const call = one(rpc, 'bpm-webhooks');
    const server = one(rpc, 'bpm-webhooks-executors');
    const execution = one('execute ExecuteCode', 'bpm-webhooks-executors');
    const doCmd = one('doCmd EchoCommand', 'bpm-webhooks-executors');
    expect(call.parentSpanId).toBe(attempt.spanId);
    expect(call.kind).toBe(3); // SPAN_KIND_CLIENT
    expect(server).toMatchObject({ parentSpanId: call.spanId, kind: 2 }); // SPAN_KIND_SERVER
    expect(execution.parentSpanId).toBe(server.spanId);
    expect(doCmd.parentSpanId).toBe(execution.spanId);
    for (const request of receiver.requests) {
      for (const secret of [marker, executorToken]) expect(request.text).not.toContain(secret);
    }
  });

  it('refuses a caller without the executor token', async () => {
    const client = createClient(
      ExecutionService,
      createConnectTransport({ baseUrl: executors.baseUrl, httpVersion: '2', useBinaryFormat: true }),
    );
    const call = client.execute(toExecutionRequest(executionRequest({ executionType: 0, commandName: 'EchoCommand' })));
    await expect(call).rejects.toSatisfy((error) => ConnectError.from(error).code === Code.Unauthenticated);
  });

  it('fails a sync webhook, and keeps serving, once the executor process is gone', async () => {
    expect(await executors.stop()).toBe(0);
    const response = await callWebhook(service.baseUrl, 'remote/chain', { body: '{"reference":"R-3"}' });
    expect(response.status).toBe(500);
    expect(response.json).toMatchObject({ success: false, message: 'Webhook execution failed' });
    expect(await eventErrors(service.baseUrl, response)).toEqual([
      'The execution could not be run: the executors failed to answer',
    ]);
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
  });
});
