import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { mintToken } from '../helpers/tokens.js';
import { minimalProcess } from '../fixtures/bpmn/definitions.js';

interface Entry {
  actor: string;
  command: string;
  entityType: string;
  entityId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  occurredAt: string;
}
type Page = { items: Entry[]; totalCount: number; pageNumber: number; pageSize: number };

const at = (time: string) => new Date(`2026-11-28T${time}:00Z`);
const config = {
  key: 'mono-hook',
  description: 'Mono events',
  path: 'mono',
  action: 'POST',
  executionType: 0,
  commandName: 'EchoCommand',
  verification: { scheme: 'hmac-sha256', secret: 'first-s3cr3t', header: 'x-signature' },
};

describe.each(engines)('the audit log on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let now = at('10:00');
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { clock: () => now });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  describe.each(clientKinds)('over %s', (kind) => {
    let alice: ManagementClient;
    let bob: ManagementClient;
    beforeAll(async () => {
      alice = createManagementClient(
        kind,
        service.baseUrl,
        await mintToken({ sub: 'alice', scope: 'webhooks:read webhooks:write' }),
      );
      bob = createManagementClient(
        kind,
        service.baseUrl,
        await mintToken({ sub: 'bob', permissions: ['webhooks:write', 'webhooks:read'] }),
      );
    });
    afterAll(() => {
      alice.close();
      bob.close();
    });

    /** Five successful writes by two people at known times, plus a failed write and some reads. */
    async function history(): Promise<number> {
      now = at('10:00');
      const created = await alice.call('CreateWebHookConfigCommand', config);
      const id = (created.data as { id: number }).id;
      now = at('10:05');
      await bob.call('UpdateWebHookConfigCommand', {
        id,
        description: 'Mono events, v2',
        verification: { scheme: 'hmac-sha256', secret: 'second-s3cr3t', header: 'x-signature' },
      });
      now = at('10:10');
      await alice.call('DeactivateWebHookConfigCommand', { id });
      expect(await alice.call('DeactivateWebHookConfigCommand', { id })).toMatchObject({ success: false });
      await alice.call('GetWebHookConfigByIdQuery', { id });
      now = at('10:15');
      await alice.call('DeleteWebHookConfigCommand', { id });
      now = at('10:20');
      expect(await bob.call('CreateWebHookConfigCommand', { ...config, key: 'other' })).toMatchObject({ success: true });
      return id;
    }

    it('records every successful write with who, what, which, before, after and when; newest first', async () => {
      const id = await history();
      const all = await alice.call('GetAuditLogQuery', { pageSize: 100 });
      expect(all).toMatchObject({ success: true, message: 'Audit log retrieved successfully' });
      const page = all.data as Page;
      expect(page.totalCount).toBe(5);
      expect(page.items.map((e) => [e.actor, e.command, e.occurredAt])).toEqual([
        ['bob', 'CreateWebHookConfigCommand', '2026-11-28T10:20:00Z'],
        ['alice', 'DeleteWebHookConfigCommand', '2026-11-28T10:15:00Z'],
        ['alice', 'DeactivateWebHookConfigCommand', '2026-11-28T10:10:00Z'],
        ['bob', 'UpdateWebHookConfigCommand', '2026-11-28T10:05:00Z'],
        ['alice', 'CreateWebHookConfigCommand', '2026-11-28T10:00:00Z'],
      ]);
      const [, deleted, deactivated, updated, created] = page.items as [Entry, Entry, Entry, Entry, Entry];
      expect(created).toMatchObject({ entityType: 'webhook_config', entityId: String(id), before: null });
      expect(created.after).toMatchObject({ id, key: 'mono-hook', isEnabled: true, verification: { secretCount: 1 } });
      expect(updated.before).toMatchObject({ description: 'Mono events', version: 1 });
      expect(updated.after).toMatchObject({ description: 'Mono events, v2', version: 2 });
      expect([deactivated.before?.isEnabled, deactivated.after?.isEnabled]).toEqual([true, false]);
      expect(deleted).toMatchObject({ entityId: String(id), after: null, before: { key: 'mono-hook' } });
      expect(JSON.stringify(page)).not.toMatch(/s3cr3t/);
    });

    it('filters by entity, actor and time range, and pages', async () => {
      const id = await history();
      const query = async (fields: Record<string, unknown>) =>
        (await alice.call('GetAuditLogQuery', fields as never)).data as Page;
      expect((await query({ entityId: String(id) })).totalCount).toBe(4);
      expect((await query({ actor: 'bob' })).items.map((e) => e.command)).toEqual([
        'CreateWebHookConfigCommand',
        'UpdateWebHookConfigCommand',
      ]);
      const window = await query({ since: '2026-11-28T10:05:00Z', until: '2026-11-28T10:15:00Z' });
      expect(window.items.map((e) => e.command)).toEqual(['DeactivateWebHookConfigCommand', 'UpdateWebHookConfigCommand']);
      const second = await query({ pageNumber: 2, pageSize: 2 });
      expect(second).toMatchObject({ totalCount: 5, pageNumber: 2, pageSize: 2 });
      expect(second.items.map((e) => e.occurredAt)).toEqual(['2026-11-28T10:10:00Z', '2026-11-28T10:05:00Z']);
    });

    it('tells entity types apart, since a configuration and a process definition may share an id', async () => {
      const created = await alice.call('CreateWebHookConfigCommand', config);
      const deployer = createManagementClient(
        kind,
        service.baseUrl,
        await mintToken({ sub: 'carol', scope: 'processes:write webhooks:read' }),
      );
      try {
        expect(await deployer.call('DeployProcessDefinitionCommand', { name: 'minimal', bpmnXml: minimalProcess })).toMatchObject(
          {
            success: true,
          },
        );
        const query = async (fields: Record<string, unknown>) =>
          ((await deployer.call('GetAuditLogQuery', fields as never)).data as Page).items.map((e) => [e.entityType, e.command]);
        expect(await query({ entityType: 'process_definition' })).toEqual([
          ['process_definition', 'DeployProcessDefinitionCommand'],
        ]);
        const configId = String((created.data as { id: number }).id);
        expect(await query({ entityType: 'webhook_config', entityId: configId })).toEqual([
          ['webhook_config', 'CreateWebHookConfigCommand'],
        ]);
      } finally {
        deployer.close();
      }
    });

    it('answers "not found" for ids the store cannot hold, and records nothing', async () => {
      for (const id of ['9223372036854775807', '-1', '0']) {
        expect(await alice.call('ActivateWebHookConfigCommand', { id }), id).toMatchObject({
          success: false,
          message: 'Activation failed',
          errors: ['Configuration not found'],
        });
      }
      expect(((await alice.call('GetAuditLogQuery')).data as Page).totalCount).toBe(0);
    });

    it('refuses a bad range and callers without webhooks:read', async () => {
      expect(
        await alice.call('GetAuditLogQuery', { since: '2026-11-28T10:00:00Z', until: '2026-11-28T09:00:00Z', pageSize: 101 }),
      ).toMatchObject({
        success: false,
        message: 'Validation failed',
        errors: ['Page size must be between 1 and 100', '"since" must be before "until"'],
      });
      const eventsReader = createManagementClient(kind, service.baseUrl, await mintToken({ sub: 'eve', scope: 'events:read' }));
      expect(await eventsReader.call('GetAuditLogQuery')).toMatchObject({
        message: 'Forbidden',
        code: kind === 'gateway' ? 403 : 'permission_denied',
      });
      eventsReader.close();
    });
  });

  it('never leaves a write unrecorded: when the entry cannot be stored, the write is rolled back', async () => {
    const client = createManagementClient('gateway', service.baseUrl, service.adminToken);
    await database.db.schema.renameTable('audit_log', 'audit_log_away');
    try {
      expect(await client.call('CreateWebHookConfigCommand', config)).toMatchObject({ success: false, code: 500 });
    } finally {
      await database.db.schema.renameTable('audit_log_away', 'audit_log');
    }
    expect(Number((await database.db('webhook_configs').count({ n: '*' }))[0]!.n)).toBe(0);
  });
});
