import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findProcessInstanceById } from '../../src/store/process-instances.js';
import { timedForwardProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { createMemoryTracing, traceparentOf } from '../helpers/test-tracing.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const caller = { traceId: '5af7183fc1d0b4e2a9c3d1e0f2b4a6c8', spanId: '0a1b2c3d4e5f6071' };

describe.each(engines)('traces of process instances the poller advances on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let traces: Awaited<ReturnType<typeof createMemoryTracing>>;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    traces = await createMemoryTracing();
    target = await startForwardTarget();
    // The real clock: the timer's due time is compared with the database's now().
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
      processes: { pollMs: 50 },
      tracing: traces.tracing,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await target?.close();
    await traces?.tracing.shutdown();
    await database?.destroy();
  });

  const only = (name: string): ReadableSpan => {
    const found = traces.spans().filter((span) => span.name === name);
    expect(found.map((span) => span.name)).toEqual([name]);
    return found[0]!;
  };

  it('links a timer’s advance, half a second after the webhook, to the trace that started the instance', async () => {
    const deployed = await command(service.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'timed forward',
      bpmnXml: timedForwardProcess,
    });
    const processDefinitionId = (deployed.data as { id: number }).id;
    await createConfig(service.baseUrl, {
      key: 'timed-payment',
      path: 'payments/timed',
      action: 'POST',
      executionType: 3,
      processDefinitionId,
    });
    const arrived = target.nextRequest();
    const response = await callWebhook(service.baseUrl, 'payments/timed', {
      body: JSON.stringify({ n: 7, target: `http://127.0.0.1:${target.port}/ok` }),
      headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01` },
    });
    expect(response.status).toBe(200);
    const { instanceId, status } = response.json.data as { instanceId: number; status: string };
    expect(status).toBe('WAITING');

    // The instance keeps the context of the span that started it, in its own column.
    const start = only('process instance start');
    expect(start.spanContext().traceId).toBe(caller.traceId);
    const stored = await findProcessInstanceById(database.db, instanceId);
    expect(stored!.traceContext).toEqual({ traceparent: traceparentOf(start.spanContext()) });
    expect(stored!.variables).not.toHaveProperty('traceparent');

    const forwarded = await arrived;
    const advance = await eventually(async () => traces.spans().find((span) => span.name === 'process instance advance'));
    expect(advance.kind).toBe(SpanKind.CONSUMER);
    expect(advance.spanContext().traceId).toBe(caller.traceId);
    expect(advance.parentSpanContext?.spanId).toBe(start.spanContext().spanId);
    expect(advance.links.map((link) => link.context.spanId)).toEqual([start.spanContext().spanId]);
    expect(advance.attributes).toMatchObject({
      'bpm_webhooks.process.instance_id': instanceId,
      'bpm_webhooks.process.definition_id': processDefinitionId,
      'bpm_webhooks.process.advance': 'timer',
      'bpm_webhooks.process.status': 'COMPLETED',
    });

    // The service task's forward, run by the poller, is the advance's child and carries its trace on.
    const forward = only('POST 127.0.0.1');
    expect(forward.parentSpanContext?.spanId).toBe(advance.spanContext().spanId);
    expect(forwarded.headers.traceparent).toBe(traceparentOf(forward.spanContext()));
    expect(forwarded.body).toBe('7');
  });
});
