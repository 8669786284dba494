import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { insertProcessDefinition } from '../../src/store/process-definitions.js';
import { insertProcessInstance } from '../../src/store/process-instances.js';
import { boundaryCycleProcess, dateTimerProcess, wideLoopProcess } from '../fixtures/bpmn/hostile.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

type Instance = {
  id: number;
  status: string;
  errors: string[];
  variables: Record<string, unknown>;
  history: { id: string; startedAt: string; endedAt?: string }[];
};

describe.each(engines)('no process instance holds the event loop on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  const minTimerCycleMs = 400;

  const deploy = async (bpmnXml: string) =>
    (await admin.call('DeployProcessDefinitionCommand', { name: 'timers', bpmnXml })) as {
      data: { id: number };
      errors: readonly string[];
    };
  const read = async (id: number) => (await admin.call('GetProcessInstanceByIdQuery', { id })).data as Instance;
  const finished = (id: number) =>
    eventually(async () => {
      const instance = await read(id);
      return instance.status === 'RUNNING' ? undefined : instance;
    }, 10_000);
  /** /healthz within a second, or a failure: a frozen event loop answers nothing. */
  const healthz = async () => (await fetch(`${service.baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) })).status;
  /** Starts definition `id` from one anonymous POST to an async StartProcess webhook; the instance it started. */
  const startFromWebhook = async (processDefinitionId: number, body: object) => {
    await createConfig(service.baseUrl, {
      key: `timers-${processDefinitionId}`,
      path: `loans/timers-${processDefinitionId}`,
      action: 'POST',
      executionType: 3,
      processDefinitionId,
      responseMode: 'async',
    });
    const accepted = await callWebhook(service.baseUrl, `loans/timers-${processDefinitionId}`, { body: JSON.stringify(body) });
    expect(accepted.status).toBe(202);
    return eventually(async () => {
      const list = await admin.call('GetProcessInstanceListQuery', { processDefinitionId });
      return (list.data as { items: { instanceId?: number; id?: number }[] }).items[0];
    }, 10_000);
  };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { processes: { pollMs: 50, minTimerCycleMs, maxAdvanceSteps: 2_000 } });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  it('refuses at deploy a zero cycle and a date the store cannot hold, naming the timer', async () => {
    const zero = await deploy(boundaryCycleProcess('R/PT0S'));
    expect(zero.errors).toEqual(['Timer of "reminder": "R/PT0S" repeats every 0 ms: a cycle needs an interval of at least 1 ms']);
    const zeroDays = await deploy(boundaryCycleProcess('R5/P0D'));
    expect(zeroDays.errors).toEqual([
      'Timer of "reminder": "R5/P0D" repeats every 0 ms: a cycle needs an interval of at least 1 ms',
    ]);
    const farAway = await deploy(dateTimerProcess('+275760-09-13T00:00:00.001Z'));
    expect(farAway.errors).toEqual(['Timer of "until": "+275760-09-13T00:00:00.001Z" is not a date']);
    const tooLate = await deploy(dateTimerProcess('+010000-01-01T00:00:00Z'));
    expect(tooLate.errors).toEqual([
      'Timer of "until": "+010000-01-01T00:00:00Z" is after 9999-12-31, which the store cannot hold',
    ]);
    const garbage = await deploy(boundaryCycleProcess('every minute'));
    expect(garbage.errors[0]).toMatch(/^Timer of "reminder": "every minute" is not an ISO 8601 cycle/);
  });

  it('ends in ERROR an instance whose cycle expression resolves to R/PT0S from one anonymous POST, and stays healthy', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bpmn-engine expression, resolved when the timer runs
    const deployed = await deploy(boundaryCycleProcess('${environment.variables.cycle}'));
    expect(deployed.errors).toEqual([]);
    const started = await startFromWebhook(deployed.data.id, { cycle: 'R/PT0S' });
    const instance = await finished(started.id ?? started.instanceId ?? 0);
    expect(instance).toMatchObject({ status: 'ERROR' });
    expect(instance.errors.join(' ')).toContain('Timer "reminder": "R/PT0S" repeats every 0 ms');
    expect(await healthz()).toBe(200);
  });

  it('ends in ERROR a stored hostile definition, started by a webhook or taken over after a restart, and stays healthy', async () => {
    // Stored as a deployment before the checks existed would have stored it.
    const hostile = await insertProcessDefinition(database.db, {
      name: 'hostile',
      processId: 'boundaryCycle',
      description: '',
      bpmnXml: boundaryCycleProcess('R/PT0S'),
      deployedAt: new Date(),
      deployedBy: 'before-the-checks',
    });
    const started = await startFromWebhook(hostile.id, {});
    expect((await finished(started.id ?? started.instanceId ?? 0)).status).toBe('ERROR');
    expect(await healthz()).toBe(200);

    // An instance whose process died mid-run: the poller takes it over once its lease ends.
    const orphan = await insertProcessInstance(database.db, {
      definitionId: hostile.id,
      variables: {},
      now: new Date(),
      owner: 'a-process-that-died',
      leaseMs: 1,
    });
    const takenOver = await finished(orphan.id);
    expect(takenOver.status).toBe('ERROR');
    expect(takenOver.errors.join(' ')).toContain('repeats every 0 ms');
    expect(await healthz()).toBe(200);
  });

  it('ends in ERROR an instance whose loop of 100,000 iterations passes the step budget of one advance, and stays healthy', async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bpmn-engine expression, resolved when the loop runs
    const deployed = await deploy(wideLoopProcess('${environment.variables.accounts}'));
    const started = await startFromWebhook(deployed.data.id, { accounts: 100_000 });
    const instance = await finished(started.id ?? started.instanceId ?? 0);
    expect(instance).toMatchObject({
      status: 'ERROR',
      errors: ['Process stopped after 2000 engine steps in one advance (PROCESS_MAX_ADVANCE_STEPS)'],
    });
    expect(await healthz()).toBe(200);
    const small = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: deployed.data.id,
      variables: { accounts: 20 },
    });
    expect(small.data).toMatchObject({ status: 'COMPLETED' });
  });

  it('runs a cycle shorter than the minimum interval at the minimum', async () => {
    const deployed = await deploy(boundaryCycleProcess('R3/PT0.01S'));
    expect(deployed.errors).toEqual([]);
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId: deployed.data.id });
    const id = (started.data as { instanceId: number }).instanceId;
    const reminded = await eventually(async () => {
      const instance = await read(id);
      return instance.variables.reminders === 3 ? instance : undefined;
    }, 10_000);
    // A boundary timer's activity starts with its task and ends when it fires (later under load, never earlier;
    // firings the poller finds overdue catch up at once, so only the first interval is measured).
    const [first] = reminded.history.filter((entry) => entry.id === 'reminder');
    expect(Date.parse(first?.endedAt ?? '') - Date.parse(first?.startedAt ?? '')).toBeGreaterThanOrEqual(minTimerCycleMs - 50);
  });
});

describe.each(engines)('a process instance at work yields the event loop between engine steps on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  /** Engine steps one advance may take: several seconds of work on this kind of machine, in a few thousand turns. */
  const maxAdvanceSteps = 30_000;
  /** What /healthz may take while an instance works: without yielding it waits for the whole advance. */
  const healthzBoundMs = 500;

  const deploy = async (name: string, bpmnXml: string) => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name, bpmnXml });
    expect(deployed.errors).toEqual([]);
    return (deployed.data as { id: number }).id;
  };
  const readInstance = async (id: number) => (await admin.call('GetProcessInstanceByIdQuery', { id })).data as Instance;
  /**
   * Asks /healthz one request after another (back to back, so a stall of the event loop falls inside
   * one of them) from before `start` starts an instance until that
   * instance no longer runs: the slowest answer, how many were asked, and the instance as it ended.
   */
  const healthzWhileRunning = async (start: () => Promise<number>) => {
    let slowestMs = 0;
    let asked = 0;
    let running = true;
    const probing = (async () => {
      while (running) {
        const started = performance.now();
        const status = (await fetch(`${service.baseUrl}/healthz`, { signal: AbortSignal.timeout(30_000) })).status;
        expect(status).toBe(200);
        slowestMs = Math.max(slowestMs, performance.now() - started);
        asked += 1;
      }
    })();
    try {
      const id = await start();
      const instance = await eventually(async () => {
        const read = await readInstance(id);
        return read.status === 'RUNNING' ? undefined : read;
      }, 60_000);
      return { slowestMs, asked, instance };
    } finally {
      running = false;
      await probing;
    }
  };
  const budgetError = `Process stopped after ${maxAdvanceSteps} engine steps in one advance (PROCESS_MAX_ADVANCE_STEPS)`;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      processes: { pollMs: 50, maxAdvanceSteps, maxSteps: 1_000_000, leaseMs: 60_000 },
    });
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  /**
   * A loop of `accounts` iterations of a plain task, which bpmn-engine runs without waiting for
   * anything; run once with a few, so the engine's code is compiled before anything is measured.
   */
  const deployLoop = async () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a bpmn-engine expression, resolved when the loop runs
    const processDefinitionId = await deploy('wide loop', wideLoopProcess('${environment.variables.accounts}'));
    const warmUp = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables: { accounts: 3 } });
    expect(warmUp.data).toMatchObject({ status: 'COMPLETED' });
    return processDefinitionId;
  };

  it('answers /healthz at once while a loop of 100,000 iterations works through the step budget, then ends it in ERROR', async () => {
    const processDefinitionId = await deployLoop();
    const { slowestMs, asked, instance } = await healthzWhileRunning(async () => {
      const started = await admin.call('StartProcessInstanceCommand', {
        processDefinitionId,
        variables: { accounts: 100_000 },
        executionMode: 'FireAndForget',
      });
      return (started.data as { instanceId: number }).instanceId;
    });
    expect(instance).toMatchObject({ status: 'ERROR', errors: [budgetError] });
    expect(asked).toBeGreaterThan(3);
    expect(slowestMs).toBeLessThan(healthzBoundMs);
  }, 90_000);

  it('answers /healthz at once while such a loop taken over after a restart works through the step budget, then ends it in ERROR', async () => {
    const definitionId = await deployLoop();
    // An instance whose process died mid-run: the poller takes it over once its lease ends.
    const orphan = () =>
      insertProcessInstance(database.db, {
        definitionId,
        variables: { accounts: 100_000 },
        now: new Date(),
        owner: 'a-process-that-died',
        leaseMs: 1,
      });
    const { slowestMs, asked, instance } = await healthzWhileRunning(async () => (await orphan()).id);
    expect(instance).toMatchObject({ status: 'ERROR', errors: [budgetError] });
    expect(asked).toBeGreaterThan(3);
    expect(slowestMs).toBeLessThan(healthzBoundMs);
  }, 90_000);
});
