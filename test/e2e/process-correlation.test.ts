import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { mandateLoanProcess, messageStartedLoanProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, eventErrors } from '../helpers/webhook-calls.js';

type Instance = {
  id: number;
  status: string;
  variables: Record<string, unknown>;
  waitingTasks: { id: string; messageName: string; correlationKey: string }[];
};

describe.each(engines)('webhooks that reach a waiting process instance on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  let now = new Date('2026-12-02T09:00:00Z');
  let loanDefinitionId = 0;

  const startLoan = async (mandateRef: string, amount = 50_000) => {
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: loanDefinitionId,
      variables: { mandateRef, amount },
    });
    expect(started.data).toMatchObject({ status: 'WAITING', currentTaskId: 'awaitMandate' });
    return (started.data as { instanceId: number }).instanceId;
  };
  const readInstance = async (id: number) => (await admin.call('GetProcessInstanceByIdQuery', { id })).data as Instance;
  const mandateApproved = (mandateRef: string) =>
    JSON.stringify({ event: 'mandate.approved', data: { mandateRef, status: 'approved' } });

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      delivery: { retryBaseMs: 1_000, retryMaxMs: 4_000 },
    });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'Mandate loan', bpmnXml: mandateLoanProcess });
    loanDefinitionId = (deployed.data as { id: number }).id;
  });

  const correlatingConfig = (key: string, responseMode: string) => ({
    key,
    path: `mono/${key}`,
    action: 'POST',
    executionType: 3,
    processDefinitionId: loanDefinitionId,
    processAction: 'correlate',
    messageName: 'MandateApproved',
    correlationKey: '/data/mandateRef',
    responseMode,
    maxAttempts: 2,
  });

  describe.each(clientKinds)('configured over %s', (kind) => {
    it('stores and returns the correlation settings', async () => {
      const client = createManagementClient(kind, service.baseUrl, service.adminToken);
      const created = await client.call('CreateWebHookConfigCommand', correlatingConfig(`mandates-${kind}`, 'async'));
      expect(created.errors).toEqual([]);
      expect(created.data).toMatchObject({
        processAction: 'correlate',
        messageName: 'MandateApproved',
        correlationKey: '/data/mandateRef',
      });
      const id = (created.data as { id: number }).id;
      const updated = await client.call('UpdateWebHookConfigCommand', { id, correlationKey: '/mandate/reference' });
      expect(updated.data).toMatchObject({ processAction: 'correlate', correlationKey: '/mandate/reference' });
      // Another type drops the process settings with the definition.
      const retyped = await client.call('UpdateWebHookConfigCommand', { id, executionType: 0, commandName: 'EchoCommand' });
      expect(retyped.errors).toEqual([]);
      expect(retyped.data).toMatchObject({ processAction: '', messageName: '', correlationKey: '' });
      client.close();
    });
  });

  it('refuses incomplete or misplaced correlation settings, every problem at once', async () => {
    const incomplete = await admin.call('CreateWebHookConfigCommand', {
      ...correlatingConfig('incomplete', 'async'),
      messageName: '',
      correlationKey: 'data.mandateRef',
    });
    expect(incomplete).toMatchObject({ success: false, code: 400, message: 'Validation failed' });
    expect(incomplete.errors).toEqual([
      'Message name is required for process action "correlate"',
      'Correlation key must be a JSON pointer into the body, e.g. "/data/mandateRef"',
    ]);
    const misplaced = await admin.call('CreateWebHookConfigCommand', {
      key: 'echo',
      path: 'echo',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      processAction: 'correlate',
      messageName: 'MandateApproved',
    });
    expect(misplaced.errors).toEqual([
      'Process action is only used by StartProcess',
      'Message name is only used by StartProcess',
    ]);
    const unknownAction = await admin.call('CreateWebHookConfigCommand', {
      ...correlatingConfig('unknown-action', 'async'),
      processAction: 'resume',
    });
    expect(unknownAction.errors).toEqual(['Process action must be "start" or "correlate"']);
  });

  it('moves the loan waiting for its mandate on, and fails an unknown mandate clearly through its retries', async () => {
    await admin.call('CreateWebHookConfigCommand', correlatingConfig('mandates', 'async'));
    const first = await startLoan('MR-1001', 75_000);
    const second = await startLoan('MR-1002');
    expect((await readInstance(first)).waitingTasks).toEqual([
      {
        id: 'awaitMandate',
        name: 'Await mandate approval',
        type: 'bpmn:ReceiveTask',
        messageName: 'MandateApproved',
        correlationKey: 'MR-1001',
      },
    ]);

    const accepted = await callWebhook(service.baseUrl, 'mono/mandates', { body: mandateApproved('MR-1001') });
    expect(accepted.status).toBe(202);
    expect(await service.worker.drain()).toBe(1);
    const eventId = (accepted.json.data as { eventId: number }).eventId;
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await readInstance(first)).toMatchObject({
      status: 'COMPLETED',
      variables: {
        mandateRef: 'MR-1001',
        disbursed: true,
        disbursedAmount: 75_000,
        MandateApproved: { data: { mandateRef: 'MR-1001' }, webhook: { eventId } },
      },
    });
    expect((await readInstance(second)).status).toBe('WAITING');

    // Run again (as after a crash right after the delivery), the event finds the instance it reached
    // instead of failing or delivering the message twice.
    const replayed = await admin.call('ReplayWebhookEventCommand', { id: eventId });
    expect(replayed.errors).toEqual([]);
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({
      status: 'succeeded',
      result: { instanceId: first, status: 'COMPLETED' },
    });
    const history = (await admin.call('GetProcessInstanceByIdQuery', { id: first })).data as { history: { id: string }[] };
    expect(history.history.filter((entry) => entry.id === 'disburse')).toHaveLength(1);

    const unknown = await callWebhook(service.baseUrl, 'mono/mandates', { body: mandateApproved('MR-404') });
    const unknownId = (unknown.json.data as { eventId: number }).eventId;
    const noMatch = 'No instance of "Mandate loan" waits for message "MandateApproved" with correlation key "MR-404"';
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, unknownId)).toMatchObject({
      status: 'queued',
      attempts: 1,
      errors: [noMatch],
    });
    now = new Date(now.getTime() + 60_000);
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, unknownId)).toMatchObject({ status: 'dead', attempts: 2, errors: [noMatch] });
    expect((await readInstance(second)).status).toBe('WAITING');
  });

  it('reaches an instance that was not waiting yet on a later attempt', async () => {
    await admin.call('CreateWebHookConfigCommand', correlatingConfig('early', 'async'));
    const early = await callWebhook(service.baseUrl, 'mono/early', { body: mandateApproved('MR-2001') });
    const eventId = (early.json.data as { eventId: number }).eventId;
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'queued', attempts: 1 });

    const instanceId = await startLoan('MR-2001');
    now = new Date(now.getTime() + 60_000);
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(await readInstance(instanceId)).toMatchObject({ status: 'COMPLETED', variables: { disbursed: true } });
  });

  it('answers a sync webhook with the instance it moved on, and 500 with the reason when none or several wait', async () => {
    await admin.call('CreateWebHookConfigCommand', correlatingConfig('sync', 'sync'));
    const instanceId = await startLoan('MR-3001');
    const reached = await callWebhook(service.baseUrl, 'mono/sync', { body: mandateApproved('MR-3001') });
    expect(reached.status).toBe(200);
    expect(reached.json.data).toMatchObject({ instanceId, status: 'COMPLETED', variables: { disbursed: true } });

    const missing = await callWebhook(service.baseUrl, 'mono/sync', { body: JSON.stringify({ data: {} }) });
    expect(missing.status).toBe(500);
    expect(await eventErrors(service.baseUrl, missing)).toEqual([
      'The body has no correlation key (a string or number) at "/data/mandateRef"',
    ]);

    const twins = [await startLoan('MR-3002'), await startLoan('MR-3002')];
    const ambiguous = await callWebhook(service.baseUrl, 'mono/sync', { body: mandateApproved('MR-3002') });
    expect(ambiguous.status).toBe(500);
    expect(await eventErrors(service.baseUrl, ambiguous)).toEqual([
      `Several instances of "Mandate loan" wait for message "MandateApproved" with correlation key "MR-3002" (${twins.join(', ')})`,
    ]);
    for (const twin of twins) expect((await readInstance(twin)).status).toBe('WAITING');
  });

  it("hands an unverified caller's body to the instance under the message's name, never over its variables", async () => {
    await admin.call('CreateWebHookConfigCommand', correlatingConfig('hostile', 'sync'));
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: loanDefinitionId,
      variables: { mandateRef: 'MR-7001', amount: 100, approved: false, owner: 'alice' },
    });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const body = { data: { mandateRef: 'MR-7001', status: 'approved' }, amount: 99_999_999, approved: true, owner: 'mallory' };
    const reached = await callWebhook(service.baseUrl, 'mono/hostile', { body: JSON.stringify(body) });
    expect(reached.status).toBe(200);
    const instance = await readInstance(instanceId);
    expect(instance).toMatchObject({
      status: 'COMPLETED',
      variables: { amount: 100, approved: false, owner: 'alice', disbursed: true, disbursedAmount: 100 },
    });
    expect(instance.variables.MandateApproved).toMatchObject(body);
  });

  it('does not match a key of another type: the string "123" is not the number 123', async () => {
    await admin.call('CreateWebHookConfigCommand', correlatingConfig('typed', 'sync'));
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: loanDefinitionId,
      variables: { mandateRef: 123, amount: 10 },
    });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const asText = await callWebhook(service.baseUrl, 'mono/typed', { body: mandateApproved('123') });
    expect(asText.status).toBe(500);
    expect(await eventErrors(service.baseUrl, asText)).toEqual([
      'No instance of "Mandate loan" waits for message "MandateApproved" with correlation key "123"',
    ]);
    expect((await readInstance(instanceId)).status).toBe('WAITING');
    const asNumber = await callWebhook(service.baseUrl, 'mono/typed', {
      body: JSON.stringify({ data: { mandateRef: 123, status: 'approved' } }),
    });
    expect(asNumber.status).toBe(200);
    expect(asNumber.json.data).toMatchObject({ instanceId, status: 'COMPLETED', variables: { disbursed: true } });
  });

  it('completes a waiting receive task signalled by its id', async () => {
    const instanceId = await startLoan('MR-6001');
    const signalled = await admin.call('SignalProcessInstanceCommand', {
      instanceId,
      taskId: 'awaitMandate',
      variables: { data: { status: 'approved' } },
    });
    expect(signalled.data).toMatchObject({ status: 'COMPLETED', variables: { disbursed: true } });
  });

  it('reaches instances of earlier versions of the definition', async () => {
    const instanceId = await startLoan('MR-4001');
    const redeployed = await admin.call('DeployProcessDefinitionCommand', { name: 'mandate LOAN', bpmnXml: mandateLoanProcess });
    const correlated = await admin.call('CorrelateProcessMessageCommand', {
      processDefinitionId: (redeployed.data as { id: number }).id,
      messageName: 'MandateApproved',
      correlationKey: 'MR-4001',
      variables: { data: { status: 'approved' } },
    });
    expect(correlated).toMatchObject({
      success: true,
      message: 'Process message correlated successfully',
      data: { id: instanceId, status: 'COMPLETED', variables: { disbursed: true } },
    });
  });

  it('starts an instance at a message start event when none waits, then correlates its mandate', async () => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', {
      name: 'Requested loan',
      bpmnXml: messageStartedLoanProcess,
    });
    const processDefinitionId = (deployed.data as { id: number }).id;
    const requested = await admin.call('CorrelateProcessMessageCommand', {
      processDefinitionId,
      messageName: 'LoanRequested',
      correlationKey: 'MR-5001',
      variables: { mandateRef: 'MR-5001', amount: 1_000 },
    });
    expect(requested.data).toMatchObject({
      status: 'WAITING',
      waitingTasks: [{ id: 'awaitMandate', messageName: 'MandateApproved', correlationKey: 'MR-5001' }],
    });
    const approved = await admin.call('CorrelateProcessMessageCommand', {
      processDefinitionId,
      messageName: 'MandateApproved',
      correlationKey: 'MR-5001',
      variables: { data: { status: 'approved' } },
    });
    expect(approved.data).toMatchObject({ status: 'COMPLETED', variables: { disbursed: true, disbursedAmount: 1_000 } });
    const history = (await readInstance((approved.data as { id: number }).id)) as unknown as { history: { id: string }[] };
    expect(history.history.map((entry) => entry.id)).toEqual(['requested', 'awaitMandate', 'disburse', 'end']);

    const noStart = await admin.call('CorrelateProcessMessageCommand', {
      processDefinitionId: loanDefinitionId,
      messageName: 'LoanRequested',
      correlationKey: 'MR-5002',
    });
    expect(noStart).toMatchObject({
      success: false,
      code: 404,
      errors: ['No instance of "Mandate loan" waits for message "LoanRequested" with correlation key "MR-5002"'],
    });
  });
});
