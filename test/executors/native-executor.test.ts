import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataOf, executionRequest, jobOf } from '../helpers/execution-requests.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createNativeExecutor } from '../../src/executors/native/native-executor.js';
import { createCancellableCommand, createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { createWebhookCommandPort } from '../../src/commands/webhook-command-port.js';

const request = (commandName: string) =>
  executionRequest({ executionType: 0, commandName }, { event: 'charge.success', amount: 5000 });

describe('ExecutionService, in process, type 0', () => {
  let database: TestDatabase;
  let service: RunningService;
  const cancellable = createCancellableCommand();
  const overdue = createCancellableCommand('OverdueTestCommand');
  const counting = createCountingCommand();
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { extraCommands: [cancellable.command, overdue.command, counting.command] });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('runs EchoCommand with the webhook context', async () => {
    const result = await service.execution.execute(request('EchoCommand'));
    expect(result.success).toBe(true);
    expect(dataOf(result)).toMatchObject({
      body: { event: 'charge.success', amount: 5000 },
      key: 'paystack-charge',
      eventId: 7,
      receivedAt: '2026-11-28T10:00:00.000Z',
      attempt: 1,
    });
    expect(result.durationMs).toBeGreaterThan(0);
  });

  it('refuses a management command: a webhook cannot change configurations', async () => {
    const result = await service.execution.execute(request('DeleteWebHookConfigCommand'));
    expect(result).toMatchObject({ success: false, errors: ['Not allowed to run DeleteWebHookConfigCommand'] });
  });

  it('fails clearly for a command that is not registered', async () => {
    const result = await service.execution.execute(request('NoSuchCommand'));
    expect(result).toMatchObject({ success: false, errors: ['Command "NoSuchCommand" is not registered'] });
  });

  it('cancels the running command when the call is aborted', async () => {
    const controller = new AbortController();
    const call = service.execution.execute(request('CancellableTestCommand'), { signal: controller.signal });
    await cancellable.started;
    controller.abort();
    // Released in the same turn: without the signal reaching the command, it would end 'released'.
    cancellable.release();
    await expect(call).rejects.toThrow(/cancel|abort/i);
    expect(await cancellable.ended).toBe('cancelled');
  });

  it('ends the command at the config timeoutMs, and the command sees it cut off', async () => {
    // Long enough for the command to start on a loaded machine: cut off before its start, it would never run.
    const result = await service.execution.execute(
      executionRequest({ executionType: 0, commandName: 'OverdueTestCommand', timeoutMs: 1000 }, {}),
    );
    expect(result).toMatchObject({ success: false, errors: ['Command timed out after 1000 ms'] });
    expect(await overdue.ended).toBe('cancelled');
  });

  it('never starts a command once the execution is cancelled', async () => {
    const result = await createNativeExecutor(createWebhookCommandPort(service.bus).run).execute(
      jobOf('native', request('CountingTestCommand')),
      {
        signal: AbortSignal.abort(),
      },
    );
    expect(result).toMatchObject({ success: false, errors: ['Execution was cancelled'] });
    expect(counting.runs.size).toBe(0);
  });
});
