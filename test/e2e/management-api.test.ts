import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const echoConfig = {
  key: 'paystack-charge',
  description: 'Paystack charge.success',
  path: '/paystack/charge',
  action: 'post',
  executionType: 0,
  commandName: 'EchoCommand',
  allowableIPs: '52.31.139.75, 10.0.0.0/8, 2001:db8::/32',
};

describe.each(engines)('management API on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db);
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  describe.each(clientKinds)('over %s', (kind) => {
    let client: ManagementClient;
    beforeAll(() => {
      client = createManagementClient(kind, service.baseUrl, service.adminToken);
    });
    afterAll(() => client.close());

    it('creates a configuration and reads it back by id, key and list', async () => {
      const created = await client.call('CreateWebHookConfigCommand', echoConfig);
      expect(created).toMatchObject({ success: true, message: 'Webhook configuration created successfully' });
      const config = created.data as Record<string, unknown>;
      expect(config).toMatchObject({
        key: 'paystack-charge',
        action: 'POST',
        isEnabled: true,
        executionType: 0,
        allowableIPs: echoConfig.allowableIPs,
        version: 1,
      });
      expect(config.id).toBeTypeOf('number');
      expect(config.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

      const byId = await client.call('GetWebHookConfigByIdQuery', { id: config.id as number });
      expect(byId).toMatchObject({ success: true, message: 'Webhook configuration retrieved successfully', data: config });

      const byKey = await client.call('LookupWebHookByKeyCommand', { key: 'PAYSTACK-CHARGE' });
      expect(byKey.message).toBe('Webhook configuration found');
      expect(kind === 'gateway' ? byKey.data : (byKey.data as unknown[])[0]).toEqual(config);

      const list = await client.call('GetWebHookConfigListQuery', { searchText: 'charge' });
      expect(list).toMatchObject({
        success: true,
        message: 'Webhook configurations retrieved successfully',
        data: { items: [config], totalCount: 1, pageNumber: 1, pageSize: 10 },
      });
    });

    it('deactivates, refuses a second deactivation, activates again and stamps both times', async () => {
      const { data } = await client.call('CreateWebHookConfigCommand', echoConfig);
      const id = (data as { id: number }).id;

      const deactivated = await client.call('DeactivateWebHookConfigCommand', { id });
      expect(deactivated).toMatchObject({ success: true, message: 'Webhook configuration deactivated successfully' });
      expect((deactivated.data as { isEnabled: boolean; deactivatedAt: string }).deactivatedAt).toBeTruthy();

      const again = await client.call('DeactivateWebHookConfigCommand', { id });
      expect(again).toMatchObject({
        success: false,
        message: 'Deactivation failed',
        errors: ['Configuration is already inactive'],
        code: kind === 'gateway' ? 400 : 'failed_precondition',
      });

      const activated = await client.call('ActivateWebHookConfigCommand', { id });
      expect(activated).toMatchObject({
        success: true,
        message: 'Webhook configuration activated successfully',
        data: { isEnabled: true, version: 3 },
      });
      expect((activated.data as { activatedAt: string }).activatedAt).toBeTruthy();
      const active = await client.call('ActivateWebHookConfigCommand', { id });
      expect(active).toMatchObject({ message: 'Activation failed', errors: ['Configuration is already active'] });
    });

    it('updates everything but the key, and clears the old type field when the type changes', async () => {
      const { data } = await client.call('CreateWebHookConfigCommand', echoConfig);
      const id = (data as { id: number }).id;
      const updated = await client.call('UpdateWebHookConfigCommand', {
        id,
        description: 'now a chain',
        executionType: 1,
        commandChain: [{ commandName: 'EchoCommand', parameters: { step: 1 } }, { commandName: 'EchoCommand' }],
        responseMode: 'async',
      });
      expect(updated).toMatchObject({
        success: true,
        message: 'Webhook configuration updated successfully',
        data: { key: 'paystack-charge', description: 'now a chain', executionType: 1, commandName: '', version: 2 },
      });
      expect((updated.data as { commandChain: unknown[] }).commandChain).toEqual([
        { commandName: 'EchoCommand', parameters: { step: 1 } },
        { commandName: 'EchoCommand', parameters: {} },
      ]);
      const missing = await client.call('UpdateWebHookConfigCommand', { id: id + 1000, description: 'x' });
      expect(missing).toMatchObject({ message: 'Update failed', errors: ['Configuration not found'] });
    });

    it('stores a path without leading, trailing or doubled slashes, on create and on update', async () => {
      const created = await client.call('CreateWebHookConfigCommand', { ...echoConfig, path: '/NIBSS/nip//script/' });
      expect(created.data).toMatchObject({ path: 'NIBSS/nip/script' });
      const id = (created.data as { id: number }).id;
      const updated = await client.call('UpdateWebHookConfigCommand', { id, path: '//nibss/credits' });
      expect(updated.data).toMatchObject({ path: 'nibss/credits' });
    });

    it('deletes for good and frees the key', async () => {
      const { data } = await client.call('CreateWebHookConfigCommand', echoConfig);
      const id = (data as { id: number }).id;
      const deleted = await client.call('DeleteWebHookConfigCommand', { id });
      expect(deleted).toMatchObject({
        success: true,
        message: 'Webhook configuration deleted successfully',
        data: { id, key: 'paystack-charge' },
      });
      expect((deleted.data as { deletedAt: string }).deletedAt).toMatch(/Z$/);
      expect(await client.call('DeleteWebHookConfigCommand', { id })).toMatchObject({
        success: false,
        message: 'Deletion failed',
        errors: ['Configuration not found'],
        code: kind === 'gateway' ? 404 : 'not_found',
      });
      expect(await client.call('CreateWebHookConfigCommand', echoConfig)).toMatchObject({ success: true });
    });

    it('gives the documented failures for unknown ids and keys', async () => {
      expect(await client.call('GetWebHookConfigByIdQuery', { id: 424242 })).toMatchObject({
        success: false,
        message: 'Configuration not found',
        errors: ['No webhook configuration found with the specified ID'],
        code: kind === 'gateway' ? 404 : 'not_found',
      });
      expect(await client.call('LookupWebHookByKeyCommand', { key: 'nope' })).toMatchObject({
        success: false,
        message: 'Lookup failed',
        errors: ['No webhook configuration found with the specified key'],
        code: kind === 'gateway' ? 404 : 'not_found',
      });
      expect(await client.call('ActivateWebHookConfigCommand', { id: -5 })).toMatchObject({
        message: 'Activation failed',
        errors: ['Configuration not found'],
        code: kind === 'gateway' ? 404 : 'not_found',
      });
    });

    it('reports every validation problem at once', async () => {
      const outcome = await client.call('CreateWebHookConfigCommand', {
        action: 'FETCH',
        executionType: 0,
        executionCode: 'return 1',
        allowableIPs: '10.0.0.0/33, banana',
        maxAttempts: 0,
      });
      expect(outcome).toMatchObject({
        success: false,
        message: 'Validation failed',
        code: kind === 'gateway' ? 400 : 'invalid_argument',
      });
      expect(outcome.errors).toEqual([
        'Key is required',
        'Action must be one of GET, POST, PUT, PATCH, DELETE',
        'Command name is required for ExecuteNativeCommand',
        'Execution code is only used by ExecuteCode',
        'Allowable IP "10.0.0.0/33" is not a valid IP address or CIDR range',
        'Allowable IP "banana" is not a valid IP address or CIDR range',
        'Max attempts must be between 1 and 100',
      ]);
    });

    it('refuses a duplicate key (any case) and a second enabled config on the same route with 409', async () => {
      await client.call('CreateWebHookConfigCommand', echoConfig);
      const sameKey = await client.call('CreateWebHookConfigCommand', { ...echoConfig, key: 'PayStack-Charge', path: 'other' });
      expect(sameKey).toMatchObject({
        message: 'Validation failed',
        errors: ['A webhook configuration with this key already exists'],
        code: kind === 'gateway' ? 409 : 'already_exists',
      });
      const sameRoute = await client.call('CreateWebHookConfigCommand', {
        ...echoConfig,
        key: 'second',
        path: '//PayStack/charge/',
      });
      expect(sameRoute).toMatchObject({ errors: ['Another enabled configuration already handles POST /paystack/charge'] });
      const disabled = await client.call('CreateWebHookConfigCommand', { ...echoConfig, key: 'second', isEnabled: false });
      expect(disabled).toMatchObject({ success: true, data: { isEnabled: false } });
      const activate = await client.call('ActivateWebHookConfigCommand', { id: (disabled.data as { id: number }).id });
      expect(activate).toMatchObject({ message: 'Activation failed', code: kind === 'gateway' ? 409 : 'already_exists' });
    });

    it('pages and filters the list', async () => {
      for (let i = 1; i <= 12; i++) {
        await client.call('CreateWebHookConfigCommand', {
          ...echoConfig,
          key: `hook-${i}`,
          path: `hooks/${i}`,
          isEnabled: i % 3 !== 0,
        });
      }
      const second = await client.call('GetWebHookConfigListQuery', { pageNumber: 2, pageSize: 5 });
      expect(second.data).toMatchObject({ totalCount: 12, pageNumber: 2, pageSize: 5 });
      expect((second.data as { items: { key: string }[] }).items.map((c) => c.key)).toEqual([
        'hook-6',
        'hook-7',
        'hook-8',
        'hook-9',
        'hook-10',
      ]);
      const disabled = await client.call('GetWebHookConfigListQuery', { isEnabled: false, pageSize: 100 });
      expect((disabled.data as { totalCount: number }).totalCount).toBe(4);
      await client.call('CreateWebHookConfigCommand', {
        key: 'chain',
        action: 'POST',
        executionType: 1,
        commandName: 'EchoCommand,EchoCommand',
      });
      const chains = await client.call('GetWebHookConfigListQuery', { executionType: 1 });
      expect((chains.data as { items: { key: string }[] }).items.map((c) => c.key)).toEqual(['chain']);
      const badType = await client.call('GetWebHookConfigListQuery', { executionType: 7 });
      expect(badType).toMatchObject({ message: 'Validation failed', errors: ['Execution type must be between 0 and 3'] });
      const everything = await client.call('LookupWebHookByKeyCommand', { key: '' });
      expect(everything).toMatchObject({ success: true, message: 'Webhook configuration found' });
      expect((everything.data as { key: string }[]).map((c) => c.key).sort()).toEqual(
        ['chain', ...Array.from({ length: 12 }, (_, i) => `hook-${i + 1}`)].sort(),
      );
      const beyond = await client.call('GetWebHookConfigListQuery', { pageNumber: 2_000_000_000 });
      expect(beyond.data).toMatchObject({ items: [], totalCount: 13 });
      const bad = await client.call('GetWebHookConfigListQuery', { pageNumber: -1, pageSize: 101 });
      expect(bad).toMatchObject({
        message: 'Validation failed',
        errors: ['Page number must be at least 1', 'Page size must be between 1 and 100'],
      });
    });
  });
});
