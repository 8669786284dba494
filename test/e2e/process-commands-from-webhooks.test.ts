import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig } from '../helpers/webhook-calls.js';

/** A script that starts three loans, then moves one on by correlation, signals one and cancels one. */
const processScript = `
const start = (ref) => doCmd('StartProcessInstanceCommand', {
  processDefinitionId: body.definitionId, variables: { mandateRef: ref, amount: 10 } });
const started = [start(body.ref + '-a'), start(body.ref + '-b'), start(body.ref + '-c')];
const correlated = doCmd('CorrelateProcessMessageCommand', { processDefinitionId: body.definitionId,
  messageName: 'MandateApproved', correlationKey: body.ref + '-a', variables: { data: { status: 'approved' } } });
const signalled = doCmd('SignalProcessInstanceCommand', { instanceId: started[1].data.instanceId, taskId: 'awaitMandate',
  variables: { data: { status: 'approved' } } });
const cancelled = doCmd('CancelProcessInstanceCommand', { instanceId: started[2].data.instanceId, reason: 'withdrawn' });
const deploy = doCmd('DeployProcessDefinitionCommand', { name: 'sneaky', bpmnXml: '<x/>' });
return {
  started: started.map((reply) => reply.data.status),
  correlated: correlated.data.status,
  signalled: signalled.data.status,
  cancelled: cancelled.data.status,
  deploy: { isSuccessful: deploy.isSuccessful, message: deploy.message },
};`;

describe.each(engines)('process commands run by webhooks on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let definitionId = 0;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // The script waits for the processes its doCmd calls run (their own scripts included).
    service = await startTestService(database.db, {
      executors: { script: { ...defaultExecutors.script, timeoutMs: 15_000 } },
    });
    const deployed = await command(service.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'Mandate loan',
      bpmnXml: mandateLoanProcess,
    });
    definitionId = (deployed.data as { id: number }).id;
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('starts, correlates, signals and cancels from a script, with the webhook rights only', async () => {
    await createConfig(service.baseUrl, {
      key: 'loan-script',
      path: 'loans/script',
      action: 'POST',
      executionType: 2,
      executionCode: processScript,
    });
    const response = await callWebhook(service.baseUrl, 'loans/script', {
      body: JSON.stringify({ definitionId, ref: 'MR-S' }),
    });
    expect(response.json.errors ?? []).toEqual([]);
    expect(response.json.data).toEqual({
      started: ['WAITING', 'WAITING', 'WAITING'],
      correlated: 'COMPLETED',
      signalled: 'COMPLETED',
      cancelled: 'CANCELLED',
      deploy: { isSuccessful: false, message: 'Forbidden' },
    });
  }, 60_000);

  it('starts and correlates from a command chain', async () => {
    await createConfig(service.baseUrl, {
      key: 'loan-chain',
      path: 'loans/chain',
      action: 'POST',
      executionType: 1,
      commandChain: [
        {
          commandName: 'StartProcessInstanceCommand',
          parameters: { processDefinitionId: definitionId, variables: { mandateRef: 'MR-C', amount: 20 } },
        },
        {
          commandName: 'CorrelateProcessMessageCommand',
          parameters: {
            processDefinitionId: definitionId,
            messageName: 'MandateApproved',
            correlationKey: 'MR-C',
            variables: { data: { status: 'approved' } },
          },
        },
      ],
    });
    const response = await callWebhook(service.baseUrl, 'loans/chain', { body: '{}' });
    expect(response.json.errors ?? []).toEqual([]);
    expect(response.status).toBe(200);
    // The answer is the last step's data: the instance the correlation moved on.
    expect(response.json.data).toMatchObject({ status: 'COMPLETED', variables: { mandateRef: 'MR-C', disbursed: true } });
  }, 60_000);
});
