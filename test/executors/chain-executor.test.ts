import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { dataOf, executionRequest, jobOf } from '../helpers/execution-requests.js';
import { createChainExecutor } from '../../src/executors/chain/chain-executor.js';
import { createCancellableCommand, createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { createWebhookCommandPort } from '../../src/commands/webhook-command-port.js';

describe('ExecuteCommandChain through the ExecutionService (in process)', () => {
  let database: TestDatabase;
  let service: RunningService;
  const cancellable = createCancellableCommand();
  const counting = createCountingCommand();
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { extraCommands: [cancellable.command, counting.command] });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('runs three steps in order, each with its parameters and the previous data', async () => {
    const result = await service.execution.execute(
      executionRequest({
        executionType: 1,
        commandChain: [
          { commandName: 'EchoCommand', parameters: { step: 'validate' } },
          { commandName: 'EchoCommand', parameters: { step: 'enrich' } },
          { commandName: 'EchoCommand', parameters: { step: 'post' } },
        ],
      }),
    );
    expect(result.success).toBe(true);
    expect(result.steps.map((step) => [step.commandName, step.success])).toEqual([
      ['EchoCommand', true],
      ['EchoCommand', true],
      ['EchoCommand', true],
    ]);
    for (const step of result.steps) expect(step.durationMs).toBeGreaterThan(0);
    const last = dataOf(result) as {
      parameters: unknown;
      previous: { parameters: unknown; previous: { parameters: unknown } };
      body: unknown;
    };
    expect(last.parameters).toEqual({ step: 'post' });
    expect(last.previous.parameters).toEqual({ step: 'enrich' });
    expect(last.previous.previous.parameters).toEqual({ step: 'validate' });
    expect(last.body).toEqual({ event: 'charge.success', data: { amount: 5000, reference: 'ref-1' } });
    expect(result.steps[2]!.data).toEqual(last);
  });

  it('stops at the first failure and reports the steps it ran', async () => {
    const result = await service.execution.execute(
      executionRequest({
        executionType: 1,
        commandChain: [
          { commandName: 'EchoCommand' },
          { commandName: 'DeleteWebHookConfigCommand', parameters: { id: 1 } },
          { commandName: 'EchoCommand' },
        ],
      }),
    );
    expect(result).toMatchObject({
      success: false,
      errors: ['Step 2 (DeleteWebHookConfigCommand) failed: Not allowed to run DeleteWebHookConfigCommand'],
    });
    expect(result.steps.map((step) => [step.commandName, step.success, step.error])).toEqual([
      ['EchoCommand', true, ''],
      ['DeleteWebHookConfigCommand', false, 'Not allowed to run DeleteWebHookConfigCommand'],
    ]);
  });

  it('accepts the chain as commandName "A,B,C"', async () => {
    const result = await service.execution.execute(
      executionRequest({ executionType: 1, commandName: 'EchoCommand, EchoCommand,NoSuchCommand' }),
    );
    expect(result).toMatchObject({
      success: false,
      errors: ['Step 3 (NoSuchCommand) failed: Command "NoSuchCommand" is not registered'],
    });
    expect(result.steps).toHaveLength(3);
  });

  it('fails clearly for an empty chain', async () => {
    const result = await service.execution.execute(executionRequest({ executionType: 1 }));
    expect(result).toMatchObject({ success: false, errors: ['The command chain is empty'] });
  });

  it('cancels the running step and never starts the next when the signal aborts during step 1', async () => {
    // The executor itself, not the client: the client gives up at the abort, the executor's result tells what ran.
    const chain = createChainExecutor(createWebhookCommandPort(service.bus));
    const controller = new AbortController();
    const running = chain.execute(
      jobOf(
        'chain',
        executionRequest({
          executionType: 1,
          commandChain: [{ commandName: 'CancellableTestCommand' }, { commandName: 'CountingTestCommand' }],
        }),
      ),
      { signal: controller.signal },
    );
    await cancellable.started;
    controller.abort();
    // Released in the same turn: without the signal reaching the step, it would end 'released'.
    cancellable.release();
    const result = await running;
    expect(await cancellable.ended).toBe('cancelled');
    expect(result).toMatchObject({ success: false, errors: ['Execution was cancelled'] });
    expect(result.steps?.map((step) => [step.commandName, step.success])).toEqual([['CancellableTestCommand', false]]);
    expect(counting.runs.size).toBe(0);
  });
});
