import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCommandModules } from '../../src/commands/modules/load-command-modules.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { dataOf, executionRequest } from '../helpers/execution-requests.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { nibssNotification } from '../fixtures/nibss-notification.js';
import { callWebhook, eventErrors } from '../helpers/webhook-calls.js';

interface StoredConfig {
  id: number;
  version: number;
  executionType: number;
  commandName: string;
  commandChain: { commandName: string; parameters?: JsonObject }[];
  executionCode: string;
  timeoutMs?: number;
}

/**
 * End to end: configurations are created over the JSON gateway, then executed through the
 * ExecutionService as the router calls it, and through /api/webhook/... as a provider calls it.
 */
describe.each(engines)('executors end to end through the ExecutionService on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let client: ManagementClient;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  beforeAll(async () => {
    target = await startForwardTarget();
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
      extraCommands: await loadCommandModules(['examples/commands/nibss-commands.js']),
    });
    client = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    client?.close();
    await service?.stop();
    await database?.destroy();
    await target?.close();
  });
  beforeEach(() => database.truncate());

  async function create(fields: JsonObject): Promise<StoredConfig> {
    const created = await client.call('CreateWebHookConfigCommand', { action: 'POST', ...fields });
    expect(created.errors).toEqual([]);
    return created.data as StoredConfig;
  }

  /** What the router sends for a stored configuration and a webhook body. */
  const execute = (config: StoredConfig, body: JsonObject) =>
    service.execution.execute(
      executionRequest(
        {
          executionType: config.executionType,
          configId: config.id,
          configVersion: config.version,
          commandName: config.commandName,
          commandChain: config.commandChain,
          executionCode: config.executionCode,
          ...(config.timeoutMs && { timeoutMs: config.timeoutMs }),
        },
        body,
      ),
    );

  it('runs a chain of three commands: the bank module, EchoCommand and a forward to the core system', async () => {
    const config = await create({
      key: 'nibss-nip-inflow',
      path: '/nibss/nip/inflow',
      executionType: 1,
      commandChain: [
        { commandName: 'ProcessNibssPaymentNotificationCommand' },
        { commandName: 'EchoCommand', parameters: { stage: 'audit' } },
        { commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok` } },
      ],
    });
    const result = await execute(config, nibssNotification);
    expect(result.errors).toEqual([]);
    expect(result.steps.map((step) => [step.commandName, step.success])).toEqual([
      ['ProcessNibssPaymentNotificationCommand', true],
      ['EchoCommand', true],
      ['ForwardWebhookCommand', true],
    ]);
    expect(dataOf(result)).toMatchObject({ status: 200, body: { received: JSON.stringify(nibssNotification) } });
    // The middle step saw its own parameters and the first step's posting instruction.
    const echoed = result.steps[1]!.data as JsonObject;
    expect(echoed.parameters).toEqual({ stage: 'audit' });
    expect(echoed.previous).toEqual(result.steps[0]!.data);
    expect(echoed.previous).toMatchObject({ action: 'CREDIT' });
  });

  it('runs a script that calls the bank module with doCmd and answers the caller directly', async () => {
    const config = await create({
      key: 'nibss-nip-script',
      path: '/nibss/nip/script',
      executionType: 2,
      timeoutMs: 500,
      executionCode: `
        const posting = doCmd('ProcessNibssPaymentNotificationCommand', { body });
        if (!posting.isSuccessful) throw new Error(posting.errors.join('; '));
        console.info('posting', posting.data.action, posting.data.amountKobo);
        return { httpResponse: { status: 200, body: { ResponseCode: '00', SessionID: body.SessionID } }, posting: posting.data };
      `,
    });
    const result = await execute(config, nibssNotification);
    expect(result.errors).toEqual([]);
    expect(result.httpResponse?.status).toBe(200);
    expect(dataOf(result)).toMatchObject({ posting: { action: 'CREDIT', amountKobo: 15000050 } });
    expect(result.logs.map((line) => line.message)).toEqual(['posting CREDIT 15000050']);
    expect(result.steps).toMatchObject([{ commandName: 'ProcessNibssPaymentNotificationCommand', success: true }]);
  });

  it('compiles a new version after an update (the cache is per config version)', async () => {
    const first = await create({ key: 'versioned', path: '/versioned', executionType: 2, executionCode: 'return 1;' });
    const firstResult = await execute(first, {});
    expect(firstResult.errors).toEqual([]);
    expect(dataOf(firstResult)).toBe(1);
    const updated = await client.call('UpdateWebHookConfigCommand', { id: first.id, executionCode: 'return 2;' });
    const second = updated.data as StoredConfig;
    expect(second.version).toBe(first.version + 1);
    expect(dataOf(await execute(second, {}))).toBe(2);
  });

  it('refuses a script that does not compile at create and update time (400)', async () => {
    const created = await client.call('CreateWebHookConfigCommand', {
      key: 'broken',
      path: '/broken',
      action: 'POST',
      executionType: 2,
      executionCode: 'const total = ;',
    });
    expect(created).toMatchObject({
      success: false,
      message: 'Validation failed',
      code: 400,
      errors: ["Execution code does not compile: SyntaxError: Unexpected token ';' [executionCode:1:15]"],
    });
    const breakout = await client.call('CreateWebHookConfigCommand', {
      key: 'escape',
      path: '/escape',
      action: 'POST',
      executionType: 2,
      executionCode: '}); globalThis.x = 1; (function () {',
    });
    expect(breakout.errors).toEqual(['Execution code does not compile: SyntaxError: the code must be a function body']);

    const config = await create({ key: 'fine', path: '/fine', executionType: 2, executionCode: 'return 1;' });
    const updated = await client.call('UpdateWebHookConfigCommand', { id: config.id, executionCode: 'return {' });
    expect(updated).toMatchObject({ success: false, code: 400 });
    expect(updated.errors[0]).toMatch(/^Execution code does not compile: SyntaxError: /);
  });

  describe('over /api/webhook/...', () => {
    it("runs a chain of three commands for a provider's POST and answers with the last step's data", async () => {
      await create({
        key: 'nibss-nip-http',
        path: '/nibss/nip/http',
        executionType: 1,
        commandChain: [
          { commandName: 'ProcessNibssPaymentNotificationCommand' },
          { commandName: 'EchoCommand' },
          { commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/ok` } },
        ],
      });
      const response = await callWebhook(service.baseUrl, 'nibss/nip/http', { body: JSON.stringify(nibssNotification) });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        success: true,
        message: 'Webhook processed successfully',
        data: { status: 200, body: { received: JSON.stringify(nibssNotification) } },
      });
      const eventId = response.headers.get('x-webhook-event-id');
      const event = await client.call('GetWebhookEventByIdQuery', { id: Number(eventId) });
      expect(event.data).toMatchObject({ status: 'succeeded', attemptCount: 1 });
    });

    it('runs a script that calls doCmd and answers the caller with its own httpResponse', async () => {
      await create({
        key: 'nibss-nip-script-http',
        path: '/nibss/nip/script-http',
        executionType: 2,
        executionCode: `
          const posting = doCmd('ProcessNibssPaymentNotificationCommand', { body });
          if (!posting.isSuccessful) throw new Error(posting.errors.join('; '));
          return { httpResponse: { status: 200, headers: { 'x-nip-ack': 'true' }, body: { ResponseCode: '00', SessionID: body.SessionID } } };
        `,
      });
      const response = await callWebhook(service.baseUrl, 'nibss/nip/script-http', { body: JSON.stringify(nibssNotification) });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-nip-ack')).toBe('true');
      expect(response.json).toEqual({ ResponseCode: '00', SessionID: nibssNotification.SessionID });
    });

    it("answers 500 with the script's error when it throws, and the server stays healthy", async () => {
      await create({ key: 'throws', path: '/throws', executionType: 2, executionCode: 'throw new Error("ledger closed")' });
      const response = await callWebhook(service.baseUrl, 'throws', { body: '{}' });
      expect(response.status).toBe(500);
      expect(response.json).toMatchObject({ success: false, message: 'Webhook execution failed' });
      expect(String(await eventErrors(service.baseUrl, response))).toContain('ledger closed');
      expect((await fetch(`${service.baseUrl}/healthz`)).status).toBe(200);
    });
  });
});
