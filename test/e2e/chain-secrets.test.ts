import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook } from '../helpers/webhook-calls.js';

const downstream = 'Bearer downstream-s3cr3t';

describe.each(engines)('chain-step secrets on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  beforeAll(async () => {
    target = await startForwardTarget();
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await target?.close();
  });

  const parametersFor = () => ({
    url: `http://127.0.0.1:${target.port}/ok`,
    headers: { Authorization: downstream, 'X-Partner': 'visible-to-no-one' },
    api_key: 'k-12345',
    nested: { clientSecret: 'deep-s3cr3t', region: 'eu' },
    note: 'plain',
  });
  const masked = {
    url: expect.stringContaining('/ok'),
    headers: { Authorization: '****', 'X-Partner': '****' },
    api_key: '****',
    nested: { clientSecret: '****', region: 'eu' },
    note: 'plain',
  };

  describe.each(clientKinds)('over %s', (kind) => {
    let client: ManagementClient;
    beforeAll(() => {
      client = createManagementClient(kind, service.baseUrl, service.adminToken);
    });
    afterAll(() => client.close());

    it('masks them in every read and in the audit log, keeps them on a round-trip update, and still sends them', async () => {
      const key = `forward-${kind}`;
      const created = await client.call('CreateWebHookConfigCommand', {
        key,
        path: `/secrets/${kind}`,
        action: 'POST',
        executionType: 1,
        commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: parametersFor() }],
      });
      expect(created.success).toBe(true);
      const config = created.data as { id: string; commandChain: { parameters: unknown }[] };
      expect(config.commandChain[0]!.parameters).toEqual(masked);

      const reads = [
        (await client.call('GetWebHookConfigByIdQuery', { id: config.id })).data,
        ((await client.call('GetWebHookConfigListQuery', { searchText: key })).data as { items: unknown[] }).items[0],
        // The gateway answers a lookup by key with the one configuration, the RPCs with a list.
        ((byKey) => (kind === 'gateway' ? byKey : (byKey as unknown[])[0]))(
          (await client.call('LookupWebHookByKeyCommand', { key })).data,
        ),
      ] as { commandChain: { parameters: unknown }[] }[];
      for (const read of reads) expect(read.commandChain[0]!.parameters).toEqual(masked);

      // A UI sends back what it read, with one change: the masks keep the stored secrets.
      const roundTrip = { ...reads[0]!, description: 'edited' } as Record<string, unknown>;
      for (const field of ['createdAt', 'updatedAt', 'activatedAt', 'version', 'verification', 'key', 'authority'])
        delete roundTrip[field];
      const updated = await client.call('UpdateWebHookConfigCommand', roundTrip as never);
      expect(updated).toMatchObject({ success: true, data: { description: 'edited' } });
      expect((updated.data as typeof config).commandChain[0]!.parameters).toEqual(masked);
      const [stored] = (await database.db('webhook_configs').where({ key }).select('command_chain')) as {
        command_chain: { parameters: unknown }[];
      }[];
      expect(stored!.command_chain[0]!.parameters).toEqual(parametersFor());

      const arrived = target.nextRequest();
      const response = await callWebhook(service.baseUrl, `secrets/${kind}`, { body: '{"amount":1}' });
      expect(response.status).toBe(200);
      expect((await arrived).headers.authorization).toBe(downstream);

      const audit = await client.call('GetAuditLogQuery', { pageSize: 100 });
      const text = JSON.stringify(audit.data);
      expect(text).toContain(key);
      for (const secret of ['downstream-s3cr3t', 'k-12345', 'deep-s3cr3t', 'visible-to-no-one'])
        expect(text).not.toContain(secret);
    });

    it('refuses a mask that has no stored value to keep', async () => {
      const outcome = await client.call('CreateWebHookConfigCommand', {
        key: `masked-${kind}`,
        path: `/masked/${kind}`,
        action: 'POST',
        executionType: 1,
        commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: 'http://127.0.0.1/ok', token: '****' } }],
      });
      expect(outcome).toMatchObject({
        success: false,
        message: 'Validation failed',
        errors: ['commandChain[0].parameters.token is "****" but no stored value is there to keep'],
      });
    });
  });
});
