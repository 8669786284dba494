import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  conditionMemoryBombProcess,
  inclusiveProcess,
  loanApprovalProcess,
  reminderCycleProcess,
} from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { eventually } from '../helpers/webhook-calls.js';

type Instance = {
  id: number;
  instanceId: number;
  status: string;
  variables: Record<string, unknown>;
  errors: string[];
  history: { id: string }[];
};

describe.each(engines)('process elements on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  const start = async (bpmnXml: string, variables: JsonObject = {}) => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'elements', bpmnXml });
    expect(deployed.errors).toEqual([]);
    const processDefinitionId = (deployed.data as { id: number }).id;
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables });
    return started.data as Instance;
  };
  const read = async (id: number) => (await admin.call('GetProcessInstanceByIdQuery', { id })).data as Instance;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      processes: { pollMs: 50 },
      // A small heap fills fast; the long timeout lets the heap breach, not the clock, end the bomb.
      executors: { script: { ...defaultExecutors.script, memoryMb: 16, timeoutMs: 12_000 } },
    });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  it('takes every inclusive branch whose condition holds and joins them once', async () => {
    const both = await start(inclusiveProcess, { amount: 5_000, newCustomer: true });
    expect(both).toMatchObject({ status: 'COMPLETED', variables: { creditChecks: 1, kycChecks: 1, decisions: 1 } });
    expect(both.variables).not.toHaveProperty('fraudChecks');

    const one = await start(inclusiveProcess, { amount: 10, newCustomer: true });
    expect(one).toMatchObject({ status: 'COMPLETED', variables: { kycChecks: 1, decisions: 1 } });
    expect(one.variables).not.toHaveProperty('creditChecks');
    const history = (await read(one.instanceId)).history.map((entry) => entry.id);
    expect(history.filter((id) => id === 'decide')).toHaveLength(1);
    expect(history).not.toContain('credit');
  });

  it('ends an instance whose gateway condition blows its heap in ERROR, and stays healthy', async () => {
    const bombed = await start(conditionMemoryBombProcess);
    expect(bombed.status).toBe('ERROR');
    expect(bombed.errors.join(' ')).toMatch(/memory|crash/i);
    expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
    const next = await start(loanApprovalProcess, { amount: 500 });
    expect(next).toMatchObject({ status: 'COMPLETED', variables: { decision: 'approved' } });
  }, 60_000);

  it('fires a non-interrupting timer cycle its number of times while the task waits', async () => {
    const started = await start(reminderCycleProcess);
    expect(started).toMatchObject({ status: 'WAITING' });
    const reminded = await eventually(async () => {
      const instance = await read(started.instanceId);
      return instance.variables.reminders === 3 && instance.status === 'WAITING' ? instance : undefined;
    }, 20_000);
    expect(reminded.history.filter((entry) => entry.id === 'remind')).toHaveLength(3);
    const signalled = await admin.call('SignalProcessInstanceCommand', { instanceId: started.instanceId, taskId: 'approve' });
    expect(signalled.data).toMatchObject({ status: 'COMPLETED', variables: { reminders: 3 } });
  }, 60_000);
});
