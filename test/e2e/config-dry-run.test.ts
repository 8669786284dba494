import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commandServiceProcess, loanApprovalProcess, mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { caughtRejectionProcess, rejectingMandateProcess } from '../fixtures/bpmn/call-activities.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { mintToken } from '../helpers/tokens.js';
import { callWebhook } from '../helpers/webhook-calls.js';

interface DryRun {
  kind: string;
  success: boolean;
  result: unknown;
  errors: string[];
  logs: { level: string; message: string }[];
  commands: { commandName: string; data: unknown; activityId: string }[];
  path?: {
    status: string;
    stoppedAt: string;
    activities: { id: string; outcome: string }[];
    flows: { id: string; taken: boolean; condition: string; conditionValue?: unknown; isDefault: boolean }[];
  };
  correlation?: { correlationKey: string; instanceId?: number; waitingInstanceIds: number[]; wouldStartInstance: boolean };
}

/**
 * TestWebHookConfigCommand over the wire: a script, a process draft and a correlating draft are run
 * against a body or a stored event; each answers what it did, and nothing is stored.
 */
describe.each(engines)('dry runs of configurations on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // A cold script host on a loaded machine can take a second or more for its first run.
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, script: { ...defaultExecutors.script, timeoutMs: 10_000 } },
    });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  /** What the service has stored: events, instances and audit entries. */
  const stored = async () => {
    const count = async (type: string) => ((await admin.call(type, { pageSize: 100 })).data as { totalCount: number }).totalCount;
    return {
      events: await count('GetWebhookEventListQuery'),
      instances: await count('GetProcessInstanceListQuery'),
      audit: ((await admin.call('GetAuditLogQuery', { pageSize: 100 })).data as { items: { command: string }[] }).items.map(
        (entry) => entry.command,
      ),
    };
  };
  const tryConfig = async (fields: JsonObject, client = admin) => {
    const outcome = await client.call('TestWebHookConfigCommand', fields);
    expect(outcome.errors).toEqual([]);
    return outcome.data as DryRun;
  };
  const deploy = async (name: string, bpmnXml: string) =>
    ((await admin.call('DeployProcessDefinitionCommand', { name, bpmnXml })).data as { id: number }).id;

  it.each(clientKinds)('runs a script draft against a body over %s, recording doCmd without running it', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    try {
      const before = await stored();
      const run = await tryConfig(
        {
          draft: {
            executionType: 2,
            executionCode: `console.info('amount', body.amount);
              const posted = doCmd('EchoCommand', { amount: body.amount });
              return { html: "<p><!-- " + body.amount + " --></p>", posted: posted.isSuccessful, httpResponse: { status: 201, body: 'ok' } };`,
          },
          body: JSON.stringify({ amount: 120 }),
        },
        client,
      );
      expect(run).toMatchObject({
        kind: 'script',
        success: true,
        result: { html: '<p><!-- 120 --></p>', posted: false },
        logs: [{ level: 'info', message: 'amount 120' }],
        commands: [{ commandName: 'EchoCommand', data: { amount: 120 } }],
      });
      const after = await stored();
      expect(after).toEqual({ ...before, audit: ['TestWebHookConfigCommand', ...before.audit] });
    } finally {
      client.close();
    }
  });

  it('runs a saved script, or an edit of it, against a stored event (event #N)', async () => {
    const created = await admin.call('CreateWebHookConfigCommand', {
      key: 'postings',
      path: '/postings',
      action: 'POST',
      executionType: 2,
      executionCode: 'return body.reference;',
    });
    const configId = (created.data as { id: number }).id;
    const response = await callWebhook(service.baseUrl, 'postings', { body: JSON.stringify({ reference: 'TRF-1' }) });
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    const before = await stored();

    expect(await tryConfig({ configId, eventId })).toMatchObject({ success: true, result: 'TRF-1' });
    const edited = await tryConfig({
      draft: { executionType: 2, executionCode: 'return [context.eventId, context.method, body.reference.toLowerCase()];' },
      eventId,
    });
    expect(edited).toMatchObject({ success: true, result: [eventId, 'POST', 'trf-1'] });
    expect(await stored()).toEqual({
      ...before,
      audit: ['TestWebHookConfigCommand', 'TestWebHookConfigCommand', ...before.audit],
    });
  });

  it('refuses a draft that would not save, a stored event without events:read, and a chain', async () => {
    const refused = await admin.call('TestWebHookConfigCommand', {
      draft: { executionType: 2, executionCode: 'return eval(body);' },
      body: '{}',
    });
    expect(refused).toMatchObject({ success: false, code: 400 });
    expect(refused.errors[0]).toMatch(/^Execution code does not compile: direct eval/);

    const writer = createManagementClient('gateway', service.baseUrl, await mintToken({ scope: 'webhooks:write' }));
    const noEvents = await writer.call('TestWebHookConfigCommand', {
      draft: { executionType: 2, executionCode: 'return 1;' },
      eventId: 1,
    });
    expect(noEvents).toMatchObject({
      success: false,
      code: 403,
      errors: ['Trying a configuration with a stored event needs events:read'],
    });
    expect(await tryConfig({ draft: { executionType: 2, executionCode: 'return 1;' }, body: '' }, writer)).toMatchObject({
      result: 1,
    });

    const chain = await admin.call('TestWebHookConfigCommand', {
      draft: { executionType: 0, commandName: 'EchoCommand' },
      body: '{}',
    });
    expect(chain).toMatchObject({ success: false, code: 400 });
    expect(chain.errors[0]).toMatch(/native commands and chains act outside the service/);
  });

  it('runs a process draft to its first wait point and answers the path, with each condition evaluated', async () => {
    const definitionId = await deploy('Loan approval', loanApprovalProcess);
    const before = await stored();
    const large = await tryConfig({
      draft: { executionType: 3, processDefinitionId: definitionId },
      body: JSON.stringify({ amount: 500_000 }),
    });
    expect(large).toMatchObject({
      kind: 'start',
      success: true,
      result: { amount: 500_000, riskBand: 'high', doubled: 1_000_000 },
    });
    expect(large.path).toMatchObject({ status: 'WAITING', stoppedAt: 'approve' });
    expect(large.path?.activities.map((activity) => [activity.id, activity.outcome])).toEqual([
      ['start', 'completed'],
      ['validate', 'completed'],
      ['route', 'completed'],
      ['approve', 'running'],
    ]);
    const route = (run: DryRun) => run.path?.flows.filter((flow) => flow.id === 'toApprove' || flow.id === 'toNotify');
    expect(route(large)).toEqual([
      expect.objectContaining({
        id: 'toApprove',
        taken: true,
        conditionValue: true,
        condition: expect.stringContaining("riskBand === 'high'"),
      }),
      expect.objectContaining({ id: 'toNotify', taken: false, isDefault: true, condition: '' }),
    ]);

    const small = await tryConfig({
      draft: { executionType: 3, processDefinitionId: definitionId },
      body: JSON.stringify({ amount: 50 }),
    });
    expect(small.path).toMatchObject({ status: 'COMPLETED', stoppedAt: '' });
    expect(route(small)).toEqual([
      expect.objectContaining({ id: 'toApprove', taken: false, conditionValue: false }),
      expect.objectContaining({ id: 'toNotify', taken: true }),
    ]);
    expect(small.result).toMatchObject({ notified: true, decision: 'approved' });
    expect(await stored()).toEqual({
      ...before,
      audit: ['TestWebHookConfigCommand', 'TestWebHookConfigCommand', ...before.audit],
    });
  });

  it('answers the error a process draft ends at, with its code and name, as a real run ends in ERROR', async () => {
    const definitionId = await deploy('Rejecting mandate', rejectingMandateProcess);
    const run = await tryConfig({ draft: { executionType: 3, processDefinitionId: definitionId }, body: '{}' });
    const sentence = 'Error end event "rejected" threw error "Mandate rejected" with error code "MANDATE_REJECTED"';
    expect(run).toMatchObject({ success: false, errors: [sentence], path: { status: 'ERROR', stoppedAt: 'rejected' } });
    const real = await admin.call('StartProcessInstanceCommand', { processDefinitionId: definitionId });
    expect(real.data).toMatchObject({ status: 'ERROR', errors: [sentence] });
    // Caught by a boundary error event, the same error is no failure.
    const caught = await tryConfig({
      draft: { executionType: 3, processDefinitionId: await deploy('Caught rejection', caughtRejectionProcess) },
      body: '{}',
    });
    expect(caught).toMatchObject({ success: true, errors: [], path: { status: 'COMPLETED' } });
  });

  it('stops a process draft before its service task, recording the command it would run', async () => {
    const definitionId = await deploy('Echo mandate', commandServiceProcess);
    const run = await tryConfig({
      draft: { executionType: 3, processDefinitionId: definitionId },
      body: JSON.stringify({ mandateRef: 'MND-9', loan: { amount: 5 } }),
    });
    expect(run).toMatchObject({
      success: true,
      path: { status: 'SERVICE_TASK', stoppedAt: 'echo' },
      commands: [{ commandName: 'EchoCommand', activityId: 'echo' }],
    });
    expect(run.result).not.toHaveProperty('echoed');
  });

  it('answers which waiting instance a correlating draft would reach, delivering nothing', async () => {
    const definitionId = await deploy('Mandate loan', mandateLoanProcess);
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: definitionId,
      variables: { mandateRef: 'MND-1' },
    });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const draft = {
      executionType: 3,
      processDefinitionId: definitionId,
      processAction: 'correlate',
      messageName: 'MandateApproved',
      correlationKey: '/data/mandateRef',
    };
    const before = await stored();
    const match = await tryConfig({ draft, body: JSON.stringify({ data: { mandateRef: 'MND-1', status: 'approved' } }) });
    expect(match).toMatchObject({
      kind: 'correlate',
      success: true,
      correlation: { correlationKey: 'MND-1', instanceId, waitingInstanceIds: [instanceId], wouldStartInstance: false },
    });
    const none = await admin.call('TestWebHookConfigCommand', { draft, body: JSON.stringify({ data: { mandateRef: 'MND-2' } }) });
    expect(none.data).toMatchObject({
      success: false,
      errors: ['No instance of "Mandate loan" waits for message "MandateApproved" with correlation key "MND-2"'],
    });

    const instance = (await admin.call('GetProcessInstanceByIdQuery', { id: instanceId })).data;
    expect(instance).toMatchObject({ status: 'WAITING', currentTaskId: 'awaitMandate' });
    expect(await stored()).toEqual({
      ...before,
      audit: ['TestWebHookConfigCommand', 'TestWebHookConfigCommand', ...before.audit],
    });
  });
});
