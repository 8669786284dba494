import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import {
  approvalProcess,
  commandServiceProcess,
  cyclingProcess,
  loanApprovalProcess,
  loopingScriptProcess,
  parallelProcess,
  timerProcess,
  unknownCommandProcess,
} from '../fixtures/bpmn/definitions.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';

type Instance = { id: number; status: string; variables: Record<string, unknown>; currentTaskId: string; errors: string[] };

/** Polls a query until `done` holds, for work that finishes in the background (timers). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(engines)('process instances on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  const deploy = async (name: string, bpmnXml: string) => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name, bpmnXml });
    expect(deployed.errors).toEqual([]);
    return (deployed.data as { id: number }).id;
  };
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      processes: { pollMs: 50, maxSteps: 50 },
      executors: { script: { ...(await import('../helpers/test-service.js')).defaultExecutors.script, timeoutMs: 1_500 } },
    });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  describe.each(clientKinds)('over %s', (kind) => {
    it('runs the loan approval: globals script, gateway, user task signalled to completion', async () => {
      const client = createManagementClient(kind, service.baseUrl, service.adminToken);
      const processDefinitionId = await deploy('loan approval', loanApprovalProcess);
      const started = await client.call('StartProcessInstanceCommand', {
        processDefinitionId,
        variables: { amount: 250000, customer: 'ACME' },
      });
      expect(started).toMatchObject({
        success: true,
        message: 'Process instance started successfully',
        data: {
          status: 'WAITING',
          currentTaskId: 'approve',
          currentTaskName: 'Credit officer approval',
          variables: { amount: 250000, validationStatus: 'Passed', riskBand: 'high', doubled: 500000 },
        },
      });
      const instanceId = (started.data as { instanceId: number }).instanceId;
      expect(instanceId).toBeTypeOf('number');

      const signalled = await client.call('SignalProcessInstanceCommand', {
        instanceId,
        taskId: 'approve',
        variables: { approved: false },
      });
      expect(signalled).toMatchObject({
        success: true,
        data: { status: 'COMPLETED', variables: { notified: true, decision: 'declined', approved: false } },
      });
      const read = await client.call('GetProcessInstanceByIdQuery', { id: instanceId });
      const history = (read.data as { history: { id: string; outcome: string }[] }).history;
      expect(history.map((entry) => entry.id)).toEqual(['start', 'validate', 'route', 'approve', 'notify', 'end']);
      expect(history.every((entry) => entry.outcome === 'completed')).toBe(true);
      client.close();
    });
  });

  it('takes the default flow for a small loan and completes in one call', async () => {
    const processDefinitionId = await deploy('loan approval', loanApprovalProcess);
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables: { amount: 500 } });
    expect(started.data).toMatchObject({ status: 'COMPLETED', variables: { riskBand: 'low', decision: 'approved' } });
  });

  it('starts fire-and-forget, lists instances, refuses bad signals and cancels', async () => {
    const processDefinitionId = await deploy('approval', approvalProcess);
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, executionMode: 'FireAndForget' });
    const { instanceId, jobId, status } = started.data as { instanceId: number; jobId: string; status: string };
    expect(status).toBe('RUNNING');
    expect(jobId).toBe(`process-instance-${instanceId}`);
    const waiting = await eventually(
      () => admin.call('GetProcessInstanceByIdQuery', { id: instanceId }),
      (outcome) => (outcome.data as Instance).status === 'WAITING',
    );
    expect(waiting.data).toMatchObject({ status: 'WAITING', waitingTasks: [{ id: 'approve', type: 'bpmn:UserTask' }] });

    const wrongTask = await admin.call('SignalProcessInstanceCommand', { instanceId, taskId: 'nope' });
    expect(wrongTask).toMatchObject({ success: false, code: 400, errors: ['Task "nope" is not waiting (waiting: approve)'] });
    const list = await admin.call('GetProcessInstanceListQuery', { processDefinitionId, status: 'waiting' });
    expect(list.data).toMatchObject({ totalCount: 1, items: [{ id: instanceId }] });

    const cancelled = await admin.call('CancelProcessInstanceCommand', { instanceId, reason: 'customer withdrew' });
    expect(cancelled.data).toMatchObject({ status: 'CANCELLED', errors: ['customer withdrew'] });
    const again = await admin.call('SignalProcessInstanceCommand', { instanceId });
    expect(again).toMatchObject({ success: false, code: 400, errors: ['Process instance is CANCELLED, not WAITING'] });
    const missing = await admin.call('CancelProcessInstanceCommand', { instanceId: 987_654 });
    expect(missing).toMatchObject({ success: false, code: 404 });
  });

  it('keeps a NUL character in its variables through a wait point, exactly', async () => {
    const processDefinitionId = await deploy('approval', approvalProcess);
    const note = 'ref\u0000 \uE000x';
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables: { note } });
    expect(started.data).toMatchObject({ status: 'WAITING', variables: { note } });
    const { instanceId } = started.data as { instanceId: number };
    const read = await admin.call('GetProcessInstanceByIdQuery', { id: instanceId });
    expect(read.data).toMatchObject({ status: 'WAITING', variables: { note } });
  });

  it('runs a service task that calls a registered command with mapped input and output', async () => {
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: await deploy('echo', commandServiceProcess),
      variables: { mandateRef: 'MR-7', loan: { amount: 1200 } },
    });
    expect(started.data).toMatchObject({
      status: 'COMPLETED',
      variables: { echoed: { reference: 'MR-7', amount: 1200 }, echoedReference: 'MR-7' },
    });
    const unknown = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: await deploy('unknown command', unknownCommandProcess),
    });
    expect(unknown.data).toMatchObject({
      status: 'ERROR',
      errors: ['NoSuchCommand failed: Command "NoSuchCommand" is not registered'],
    });
  });

  it('joins a parallel gateway once both branches have completed', async () => {
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: await deploy('parallel', parallelProcess),
    });
    expect(started.data).toMatchObject({
      status: 'COMPLETED',
      variables: { creditOk: true, kycOk: true, cleared: true, decisions: 1 },
    });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const read = await admin.call('GetProcessInstanceByIdQuery', { id: instanceId });
    const history = (read.data as { history: { id: string; outcome: string }[] }).history;
    expect(history.filter((entry) => entry.id === 'decide')).toHaveLength(1);
    expect(history.filter((entry) => entry.id === 'end')).toHaveLength(1);
    expect(new Set(history.map((entry) => entry.id))).toEqual(
      new Set(['start', 'split', 'credit', 'kyc', 'join', 'decide', 'end']),
    );
  });

  it('fires a timer once and completes the instance', async () => {
    const processDefinitionId = await deploy('timer', timerProcess);
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId });
    expect(started.data).toMatchObject({ status: 'WAITING', currentTaskId: 'pause' });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const done = await eventually(
      () => admin.call('GetProcessInstanceByIdQuery', { id: instanceId }),
      (outcome) => (outcome.data as Instance).status === 'COMPLETED',
    );
    expect(done.data).toMatchObject({ status: 'COMPLETED', variables: { fired: 1 } });
  });

  it('ends an infinite script loop and a cycle of automatic tasks in ERROR, and stays healthy', async () => {
    const looping = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: await deploy('loop', loopingScriptProcess),
    });
    expect(looping.data).toMatchObject({ status: 'ERROR', errors: ['Script timed out after 1500 ms'] });
    const cycling = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: await deploy('cycle', cyclingProcess),
    });
    expect(cycling.data).toMatchObject({ status: 'ERROR', errors: ['Process stopped after 50 steps (PROCESS_MAX_STEPS)'] });
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
  });
});

describe.each(engines)('StartProcess webhooks on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // Scripts get 1.5 s, as above: a host's first run compiles.
    service = await startTestService(database.db, {
      delivery: { workerPollMs: 50 },
      executors: { script: { ...defaultExecutors.script, timeoutMs: 1_500 } },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('starts the definition: sync answers with the instance, async once it is stored', async () => {
    const admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'loan', bpmnXml: loanApprovalProcess });
    const processDefinitionId = (deployed.data as { id: number }).id;
    for (const responseMode of ['sync', 'async']) {
      const created = await admin.call('CreateWebHookConfigCommand', {
        key: `loan-${responseMode}`,
        path: `loans/${responseMode}`,
        action: 'POST',
        executionType: 3,
        processDefinitionId,
        responseMode,
      });
      expect(created.errors).toEqual([]);
    }
    const post = (path: string, body: object) =>
      fetch(`${service.baseUrl}/api/webhook/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-for-the-process' },
        body: JSON.stringify(body),
      });

    const sync = await post('loans/sync', { amount: 250000, mandateRef: 'MR-1' });
    expect(sync.status).toBe(200);
    const answer = (await sync.json()) as {
      data: { instanceId: number; status: string; currentTaskId: string; variables: Record<string, unknown> };
    };
    expect(answer.data).toMatchObject({
      status: 'WAITING',
      currentTaskId: 'approve',
      variables: { amount: 250000, mandateRef: 'MR-1', riskBand: 'high', webhook: { method: 'POST', path: 'loans/sync' } },
    });
    const webhook = answer.data.variables.webhook as { headers: Record<string, string>; eventId: number };
    expect(webhook.headers.authorization).toBe('[redacted]');
    expect(webhook.eventId).toBeGreaterThan(0);

    const async = await post('loans/async', { amount: 10 });
    expect(async.status).toBe(202);
    const list = await eventually(
      () => admin.call('GetProcessInstanceListQuery', { processDefinitionId, status: 'COMPLETED' }),
      (outcome) => (outcome.data as { totalCount: number }).totalCount === 1,
    );
    expect(list.data).toMatchObject({ totalCount: 1, items: [{ variables: { amount: 10, decision: 'approved' } }] });
  });
});
