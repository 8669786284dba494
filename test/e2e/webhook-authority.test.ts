import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as authorityMigration from '../../src/store/migrations/20261207020000-add-webhook-config-authority.js';
import { approvalProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { mintToken } from '../helpers/tokens.js';
import { callWebhook, command } from '../helpers/webhook-calls.js';

/** Cancels the instance the body names: process write rights, reached through doCmd. */
const cancelScript = `return doCmd('CancelProcessInstanceCommand', { instanceId: body.instanceId, reason: 'by webhook' });`;

describe.each(engines)('the authority webhook commands run with on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let webhooksOnly: ManagementClient;
  let webhooksAndProcesses: ManagementClient;
  let definitionId = 0;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // A cold script host on a busy machine: the subject here is authority, not time.
    service = await startTestService(database.db, { executors: { script: { ...defaultExecutors.script, timeoutMs: 10_000 } } });
    const deployed = await command(service.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'Approval',
      bpmnXml: approvalProcess,
    });
    definitionId = (deployed.data as { id: number }).id;
    const token = (scope: string) => mintToken({ sub: scope.includes('processes') ? 'integrator' : 'webhook-editor', scope });
    webhooksOnly = createManagementClient('gateway', service.baseUrl, await token('webhooks:read webhooks:write'));
    webhooksAndProcesses = createManagementClient(
      'gateway',
      service.baseUrl,
      await token('webhooks:read webhooks:write processes:write'),
    );
  });
  afterAll(async () => {
    webhooksOnly?.close();
    webhooksAndProcesses?.close();
    await service?.stop();
    await database?.destroy();
  });

  const startInstance = async () => {
    const started = await command(service.baseUrl, 'StartProcessInstanceCommand', { processDefinitionId: definitionId });
    return (started.data as { instanceId: number }).instanceId;
  };
  const statusOf = async (instanceId: number) =>
    ((await command(service.baseUrl, 'GetProcessInstanceByIdQuery', { id: instanceId })).data as { status: string }).status;

  it("refuses a script's doCmd that the saving token could not run over the API, and allows it once a token that can saves it", async () => {
    expect(await webhooksOnly.call('CancelProcessInstanceCommand', { instanceId: 1 })).toMatchObject({ code: 403 });
    const created = await webhooksOnly.call('CreateWebHookConfigCommand', {
      key: 'cancel-script',
      path: 'authority/cancel',
      action: 'POST',
      executionType: 2,
      executionCode: cancelScript,
    });
    expect(created).toMatchObject({ success: true, data: { authority: ['webhooks:read', 'webhooks:write'] } });

    const instanceId = await startInstance();
    const refused = await callWebhook(service.baseUrl, 'authority/cancel', { body: JSON.stringify({ instanceId }) });
    expect(refused.status).toBe(200);
    expect(refused.json.data).toMatchObject({
      isSuccessful: false,
      message: 'Forbidden',
      errors: [expect.stringContaining('needs processes:write, which the configuration')],
    });
    expect(await statusOf(instanceId)).toBe('WAITING');

    const { id } = created.data as { id: number };
    const resaved = await webhooksAndProcesses.call('UpdateWebHookConfigCommand', { id, description: 'saved by the integrator' });
    expect(resaved).toMatchObject({ success: true, data: { authority: ['processes:write', 'webhooks:read', 'webhooks:write'] } });
    const allowed = await callWebhook(service.baseUrl, 'authority/cancel', { body: JSON.stringify({ instanceId }) });
    expect(allowed.json.data).toMatchObject({ isSuccessful: true, data: { status: 'CANCELLED' } });
    expect(await statusOf(instanceId)).toBe('CANCELLED');
  });

  it('refuses to save a chain, command or StartProcess target the token could not run, and a save that would take rights away', async () => {
    const chain = {
      key: 'signal-chain',
      path: 'authority/signal',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'SignalProcessInstanceCommand', parameters: { instanceId: 1, taskId: 'approve' } }],
    };
    expect(await webhooksOnly.call('CreateWebHookConfigCommand', chain)).toMatchObject({
      success: false,
      message: 'Validation failed',
      errors: [
        'Command "SignalProcessInstanceCommand" needs processes:write, which the saving token does not hold: the configuration would run with its permissions',
      ],
    });
    const startProcess = {
      key: 'start-it',
      path: 'authority/start',
      action: 'POST',
      executionType: 3,
      processDefinitionId: definitionId,
    };
    expect(await webhooksOnly.call('CreateWebHookConfigCommand', startProcess)).toMatchObject({
      success: false,
      errors: [expect.stringContaining('A StartProcess configuration needs processes:write')],
    });

    const created = await webhooksAndProcesses.call('CreateWebHookConfigCommand', chain);
    expect(created.success).toBe(true);
    const downgrade = await webhooksOnly.call('UpdateWebHookConfigCommand', {
      id: (created.data as { id: number }).id,
      description: 'edited by a webhook editor',
    });
    expect(downgrade).toMatchObject({ success: false, errors: [expect.stringContaining('needs processes:write')] });
    expect((await webhooksAndProcesses.call('CreateWebHookConfigCommand', startProcess)).success).toBe(true);
  });

  it('gives configurations saved before authority was recorded webhooks:write, and StartProcess ones processes:write too', async () => {
    await authorityMigration.down(database.db);
    const legacy = (key: string, executionType: number, target: Record<string, unknown>) => ({
      key,
      description: '',
      is_enabled: false,
      path: `authority/${key}`,
      normalized_path: `authority/${key}`,
      action: 'POST',
      execution_type: executionType,
      ...target,
      allowable_ips: '',
      response_mode: 'sync',
      created_at: new Date(),
      updated_at: new Date(),
    });
    await database
      .db('webhook_configs')
      .insert([
        legacy('legacy-script', 2, { execution_code: cancelScript }),
        legacy('legacy-process', 3, { process_definition_id: definitionId }),
      ]);
    await authorityMigration.up(database.db);
    const rows = await database.db('webhook_configs').whereLike('key', 'legacy-%').orderBy('key').select('key', 'authority');
    expect(rows).toEqual([
      { key: 'legacy-process', authority: ['processes:write', 'webhooks:write'] },
      { key: 'legacy-script', authority: ['webhooks:write'] },
    ]);
  });
});
