import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCommandModules } from '../../src/commands/modules/load-command-modules.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { dataOf, executionRequest } from '../helpers/execution-requests.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { nibssNotification } from '../fixtures/nibss-notification.js';

const exampleModule = 'examples/commands/nibss-commands.js';

describe('COMMAND_MODULES', () => {
  it('loads the example module with plain node, no build step', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--input-type=module',
      '-e',
      `const m = await import('./${exampleModule}'); console.log(JSON.stringify(m.commands.map((c) => c.name)));`,
    ]);
    expect(JSON.parse(stdout)).toEqual(['ProcessNibssPaymentNotificationCommand']);
  });

  it('fails at start with a message naming the module and the problem', async () => {
    await expect(loadCommandModules(['test/fixtures/command-modules/missing.js'])).rejects.toThrow(
      /^COMMAND_MODULES: cannot load test\/fixtures\/command-modules\/missing\.js: Cannot find module/,
    );
    await expect(loadCommandModules(['test/fixtures/command-modules/throws-on-load.js'])).rejects.toThrow(
      'COMMAND_MODULES: cannot load test/fixtures/command-modules/throws-on-load.js: cannot reach the core banking host',
    );
    await expect(loadCommandModules(['test/fixtures/command-modules/no-commands.js'])).rejects.toThrow(
      'COMMAND_MODULES: test/fixtures/command-modules/no-commands.js exports no `commands` array',
    );
    await expect(loadCommandModules(['test/fixtures/command-modules/no-handler.js'])).rejects.toThrow(
      'COMMAND_MODULES: test/fixtures/command-modules/no-handler.js: commands[0] (BrokenCommand) needs a handler function',
    );
  });
});

describe('commands from a module, on the bus', () => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, {
      extraCommands: await loadCommandModules([exampleModule, 'test/fixtures/command-modules/signal-probe.js']),
      clock: () => new Date('2026-11-28T10:00:00Z'),
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('hands a module handler the execution signal, so it can stop outside calls when cut off', async () => {
    const result = await service.execution.execute(executionRequest({ executionType: 0, commandName: 'SignalProbeCommand' }, {}));
    expect(dataOf(result)).toEqual({ signal: 'live' });
  });

  it('runs ProcessNibssPaymentNotificationCommand as a native command', async () => {
    const result = await service.execution.execute(
      executionRequest({ executionType: 0, commandName: 'ProcessNibssPaymentNotificationCommand' }, nibssNotification),
    );
    expect(result.errors).toEqual([]);
    expect(dataOf(result)).toEqual({
      action: 'CREDIT',
      reason: 'Approved or completed successfully',
      sessionId: nibssNotification.SessionID,
      creditAccount: '0123456789',
      beneficiaryName: 'ADAEZE OKAFOR',
      amountKobo: 15000050,
      currency: 'NGN',
      originator: { name: 'TUNDE BAKARE', account: '9876543210', bvn: '22212345678' },
      channelCode: 1,
      narration: 'Rent November',
      reference: 'RENT-NOV-2026',
      processedAt: '2026-11-28T10:00:00.000Z',
    });
  });

  it('checks the input with the module schema and names every bad field', async () => {
    const result = await service.execution.execute(
      executionRequest(
        { executionType: 0, commandName: 'ProcessNibssPaymentNotificationCommand' },
        { ...nibssNotification, BeneficiaryAccountNumber: '12345', Amount: 'lots' },
      ),
    );
    expect(result.success).toBe(false);
    expect(result.errors).toEqual(['body.BeneficiaryAccountNumber: must be 10 digits', expect.stringMatching(/^body\.Amount: /)]);
  });

  it('reports an error the handler throws as the command error', async () => {
    const result = await service.execution.execute(
      executionRequest(
        { executionType: 0, commandName: 'ProcessNibssPaymentNotificationCommand' },
        { ...nibssNotification, Amount: '0' },
      ),
    );
    expect(result).toMatchObject({ success: false, errors: ['Amount must be greater than zero'] });
  });

  it.each(clientKinds)('lists every registered command with GetCommandListQuery over %s', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    try {
      const all = await client.call('GetCommandListQuery', {});
      expect(all).toMatchObject({ success: true, message: 'Commands retrieved successfully' });
      const names = (all.data as { name: string }[]).map((command) => command.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
      expect(names).toEqual(
        expect.arrayContaining([
          'CreateWebHookConfigCommand',
          'EchoCommand',
          'ForwardWebhookCommand',
          'GetCommandListQuery',
          'ProcessNibssPaymentNotificationCommand',
        ]),
      );
      expect(all.data).toContainEqual({
        name: 'ProcessNibssPaymentNotificationCommand',
        runnableFromWebhook: true,
        permission: 'webhooks:write',
        description: 'Validates a NIBSS NIP inward credit notification and turns it into a posting instruction',
      });
      expect(all.data).toContainEqual(
        expect.objectContaining({ name: 'DeleteWebHookConfigCommand', runnableFromWebhook: false, permission: 'webhooks:write' }),
      );

      const runnable = await client.call('GetCommandListQuery', { runnableFromWebhook: true, searchText: 'command' });
      expect((runnable.data as { name: string }[]).map((command) => command.name)).toEqual([
        'CancelProcessInstanceCommand',
        'CorrelateProcessMessageCommand',
        'EchoCommand',
        'ForwardWebhookCommand',
        'ProcessNibssPaymentNotificationCommand',
        'SignalProbeCommand',
        'SignalProcessInstanceCommand',
        'StartProcessInstanceCommand',
      ]);
    } finally {
      client.close();
    }
  });
});
