import { create } from '@bufbuild/protobuf';
import { Code, ConnectError, createClient, type Client } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProcessAction } from '../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import {
  CreateWebHookConfigCommandSchema,
  UpdateWebHookConfigCommandSchema,
  WebHookConfigService,
} from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { command } from '../helpers/webhook-calls.js';

describe.each(engines)('the execution target as a oneof over Connect on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let client: Client<typeof WebHookConfigService>;
  let headers: Record<string, string>;
  let definitionId = 0n;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false });
    client = createClient(WebHookConfigService, createConnectTransport({ baseUrl: service.baseUrl, httpVersion: '1.1' }));
    headers = { authorization: `Bearer ${service.adminToken}` };
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    const deployed = await command(service.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'Mandate loan',
      bpmnXml: mandateLoanProcess,
    });
    definitionId = BigInt((deployed.data as { id: number }).id);
  });

  const correlating = () => ({
    case: 'process' as const,
    value: {
      definitionId,
      action: ProcessAction.CORRELATE,
      messageName: 'MandateApproved',
      correlationKey: '/data/mandateRef',
    },
  });

  it('creates a correlating configuration from the oneof alone and answers it in both shapes', async () => {
    const input = create(CreateWebHookConfigCommandSchema, {
      key: 'mandates',
      path: 'mono/mandates',
      action: 'POST',
      target: correlating(),
    });
    const created = await client.createWebHookConfig(input, { headers });
    const read = await client.getWebHookConfigById({ id: created.data!.id }, { headers });
    for (const config of [created.data!, read.data!]) {
      expect(config.target).toEqual({ case: 'process', value: expect.objectContaining(correlating().value) });
      expect(config).toMatchObject({
        executionType: 3,
        processDefinitionId: definitionId,
        processAction: 'correlate',
        messageName: 'MandateApproved',
        correlationKey: '/data/mandateRef',
        commandName: '',
      });
    }
    // The legacy gateway answers the same configuration in the flat shape only.
    const legacy = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: Number(created.data!.id) });
    expect(legacy.data).toMatchObject({ executionType: 3, processAction: 'correlate', messageName: 'MandateApproved' });
    expect(Object.keys(legacy.data as object)).not.toContain('process');
  });

  it('reads a configuration created in the legacy fields back as the oneof, chain secrets masked', async () => {
    const created = await command(service.baseUrl, 'CreateWebHookConfigCommand', {
      key: 'chain',
      path: 'chain',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'EchoCommand', parameters: { headers: { authorization: 'Bearer s3cret' } } }],
    });
    const read = await client.getWebHookConfigById({ id: BigInt((created.data as { id: number }).id) }, { headers });
    expect(read.data!.target.case).toBe('chain');
    const steps = read.data!.target.case === 'chain' ? read.data!.target.value.steps : [];
    expect(steps.map((step) => step.commandName)).toEqual(['EchoCommand']);
    expect(JSON.stringify(steps[0]!.parameters)).not.toContain('s3cret');
  });

  it('replaces the target whole on an update with the oneof, and accepts legacy fields that agree with it', async () => {
    const created = await client.createWebHookConfig(
      create(CreateWebHookConfigCommandSchema, {
        key: 'switch',
        path: 'switch',
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
      }),
      { headers },
    );
    const update = create(UpdateWebHookConfigCommandSchema, {
      id: created.data!.id,
      executionType: 2,
      target: { case: 'script', value: { code: 'return 42;' } },
    });
    const updated = await client.updateWebHookConfig(update, { headers });
    expect(updated.data).toMatchObject({ executionType: 2, executionCode: 'return 42;', commandName: '' });
    expect(updated.data!.target).toEqual({ case: 'script', value: expect.objectContaining({ code: 'return 42;' }) });
  });

  it('refuses a oneof that the legacy fields beside it contradict, naming the field', async () => {
    const input = create(CreateWebHookConfigCommandSchema, {
      key: 'conflict',
      path: 'conflict',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      target: { case: 'native', value: { commandName: 'ForwardWebhookCommand' } },
    });
    const refused = await client.createWebHookConfig(input, { headers }).catch((error: unknown) => ConnectError.from(error));
    expect(refused).toBeInstanceOf(ConnectError);
    expect((refused as ConnectError).code).toBe(Code.InvalidArgument);
    const again = await command(service.baseUrl, 'GetWebHookConfigListQuery', {});
    expect((again.data as { totalCount: number }).totalCount).toBe(0);
  });

  it('refuses a oneof whose kind lacks its field, as the legacy shape is refused', async () => {
    const input = create(CreateWebHookConfigCommandSchema, {
      key: 'empty',
      path: 'empty',
      action: 'POST',
      target: { case: 'process', value: { action: ProcessAction.CORRELATE } },
    });
    const refused = ConnectError.from(await client.createWebHookConfig(input, { headers }).catch((error: unknown) => error));
    expect(refused.code).toBe(Code.InvalidArgument);
    expect(refused.rawMessage).toBe('Validation failed');
  });
});
