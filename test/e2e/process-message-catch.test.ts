import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mandateCatchLoanProcess, mandateDeadlineLoanProcess } from '../fixtures/bpmn/message-catch.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook } from '../helpers/webhook-calls.js';

interface Instance {
  readonly id: number;
  readonly status: string;
  readonly variables: Record<string, unknown>;
  readonly waitingTasks: { id: string; type: string; messageName?: string; correlationKey?: string }[];
  readonly history: { id: string }[];
}

/** Polls until `done` holds: a timer fires in the background. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const mandateApproved = (mandateRef: string) =>
  JSON.stringify({ event: 'mandate.approved', data: { mandateRef, status: 'approved' } });

describe.each(engines)('message catch events on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  const deploy = async (name: string, bpmnXml: string) => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name, bpmnXml });
    expect(deployed.errors).toEqual([]);
    return (deployed.data as { id: number }).id;
  };
  const startLoan = async (processDefinitionId: number, mandateRef: string) => {
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables: { mandateRef } });
    expect(started.data).toMatchObject({ status: 'WAITING', currentTaskId: 'awaitMandate' });
    return (started.data as { instanceId: number }).instanceId;
  };
  const read = async (id: number) => (await admin.call('GetProcessInstanceByIdQuery', { id })).data as Instance;
  const correlateMandate = (processDefinitionId: number, correlationKey: string) =>
    admin.call('CorrelateProcessMessageCommand', {
      processDefinitionId,
      messageName: 'MandateApproved',
      correlationKey,
      variables: { data: { status: 'approved' } },
    });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { processes: { pollMs: 50 } });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  it('moves an instance waiting at a message catch event on when a correlating webhook brings its message', async () => {
    const processDefinitionId = await deploy('Mandate catch loan', mandateCatchLoanProcess);
    const created = await admin.call('CreateWebHookConfigCommand', {
      key: 'mandates',
      path: 'mono/mandates',
      action: 'POST',
      executionType: 3,
      processDefinitionId,
      processAction: 'correlate',
      messageName: 'MandateApproved',
      correlationKey: '/data/mandateRef',
      responseMode: 'sync',
      maxAttempts: 1,
    });
    expect(created.errors).toEqual([]);
    const reached = await startLoan(processDefinitionId, 'MR-1');
    const other = await startLoan(processDefinitionId, 'MR-2');
    expect((await read(reached)).waitingTasks).toEqual([
      {
        id: 'awaitMandate',
        name: 'Mandate approved',
        type: 'bpmn:IntermediateCatchEvent',
        messageName: 'MandateApproved',
        correlationKey: 'MR-1',
      },
    ]);

    const answered = await callWebhook(service.baseUrl, 'mono/mandates', { body: mandateApproved('MR-1') });
    expect(answered.status).toBe(200);
    expect(answered.json.data).toMatchObject({ instanceId: reached, status: 'COMPLETED', variables: { disbursed: true } });
    expect(await read(reached)).toMatchObject({
      status: 'COMPLETED',
      variables: { MandateApproved: { data: { mandateRef: 'MR-1', status: 'approved' } } },
    });
    expect((await read(other)).status).toBe('WAITING');
  });

  it('completes a message catch event signalled by its id', async () => {
    const processDefinitionId = await deploy('Mandate catch loan', mandateCatchLoanProcess);
    const instanceId = await startLoan(processDefinitionId, 'MR-3');
    const signalled = await admin.call('SignalProcessInstanceCommand', {
      instanceId,
      taskId: 'awaitMandate',
      variables: { data: { status: 'approved' } },
    });
    expect(signalled.errors).toEqual([]);
    expect(signalled.data).toMatchObject({ status: 'COMPLETED', variables: { disbursed: true } });
  });

  it('takes the message path when the message arrives before the timer boundary event fires', async () => {
    const processDefinitionId = await deploy('Mandate deadline loan', mandateDeadlineLoanProcess('PT30S'));
    const instanceId = await startLoan(processDefinitionId, 'MR-4');
    const correlated = await correlateMandate(processDefinitionId, 'MR-4');
    expect(correlated.data).toMatchObject({ id: instanceId, status: 'COMPLETED', variables: { disbursed: true } });
    const done = await read(instanceId);
    expect(done.variables).not.toHaveProperty('expired');
    expect(done.history.map((entry) => entry.id)).not.toContain('expire');
  });

  it('takes the timer path when the timer boundary event fires before the message, which then finds no instance', async () => {
    const processDefinitionId = await deploy('Mandate deadline loan', mandateDeadlineLoanProcess('PT0.3S'));
    const instanceId = await startLoan(processDefinitionId, 'MR-5');
    const expired = await eventually(
      () => read(instanceId),
      (instance) => instance.status === 'COMPLETED',
    );
    expect(expired).toMatchObject({ status: 'COMPLETED', variables: { expired: true } });
    expect(expired.variables).not.toHaveProperty('disbursed');
    const late = await correlateMandate(processDefinitionId, 'MR-5');
    expect(late.success).toBe(false);
    expect(late.errors).toEqual([
      'No instance of "Mandate deadline loan" waits for message "MandateApproved" with correlation key "MR-5"',
    ]);
  });
});
