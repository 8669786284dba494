import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { failingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const start = new Date('2026-11-28T10:00:00.000Z');
const settlement = {
  key: 'remita-collection',
  path: '/remita/collection',
  action: 'POST',
  executionType: 0,
  commandName: 'FailingTestCommand',
  responseMode: 'async',
};
/** DEFAULT_MAX_ATTEMPTS of the services under test: the settlement config sets none, so one failure is final. */
const defaultMaxAttempts = 1;

/** Reads only: an operator holding events:read and webhooks:read. */
const readOnly: Authenticator = async () => ({
  kind: 'operator',
  subject: 'auditor',
  permissions: new Set(['events:read', 'webhooks:read'] as const),
});

describe.each(engines)('webhook events on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let auditor: RunningService;
  let now = start;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const options = {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [failingCommand],
      delivery: { defaultMaxAttempts },
    };
    service = await startTestService(database.db, options);
    auditor = await startTestService(database.db, { ...options, authenticate: readOnly });
  });
  afterAll(async () => {
    await auditor?.stop();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    now = start;
  });

  /** Three dead events (one per minute), one rejected, and the config's id. */
  async function seed(): Promise<{ configId: number; dead: number[] }> {
    const config = await createConfig(service.baseUrl, { ...settlement, allowableIPs: '127.0.0.1' });
    const dead: number[] = [];
    for (const n of [1, 2, 3]) {
      const response = await callWebhook(service.baseUrl, 'remita/collection', { body: JSON.stringify({ n }) });
      dead.push((response.json.data as { eventId: number }).eventId);
      now = new Date(now.getTime() + 60_000);
    }
    await service.worker.drain();
    await createConfig(service.baseUrl, { ...settlement, key: 'blocked', path: '/blocked', allowableIPs: '10.0.0.0/8' });
    const refused = await callWebhook(service.baseUrl, 'blocked', { body: '{}' });
    expect(refused.status).toBe(403);
    return { configId: config.id, dead };
  }

  describe.each(clientKinds)('over %s', (kind) => {
    let client: ManagementClient;
    let readOnlyClient: ManagementClient;
    beforeAll(() => {
      client = createManagementClient(kind, service.baseUrl, service.adminToken);
      readOnlyClient = createManagementClient(kind, auditor.baseUrl);
    });
    afterAll(() => {
      client.close();
      readOnlyClient.close();
    });

    it('lists events newest first with filters, and reads one with its attempts and trace', async () => {
      const { configId, dead } = await seed();
      const list = await client.call('GetWebhookEventListQuery', { status: 'dead', key: 'REMITA-collection', pageSize: 2 });
      expect(list).toMatchObject({ success: true, message: 'Webhook events retrieved successfully' });
      const page = list.data as { items: { id: number; status: string }[]; totalCount: number; pageNumber: number };
      expect(page).toMatchObject({ totalCount: 3, pageNumber: 1 });
      expect(page.items.map((item) => item.id)).toEqual([dead[2], dead[1]]);

      const ranged = await client.call('GetWebhookEventListQuery', {
        configId,
        receivedFrom: '2026-11-28T10:01:00Z',
        receivedTo: '2026-11-28T10:02:00Z',
      });
      expect((ranged.data as { items: { id: number }[] }).items.map((item) => item.id)).toEqual([dead[1]]);

      const byId = await client.call('GetWebhookEventByIdQuery', { id: dead[0]! });
      expect(byId).toMatchObject({
        success: true,
        message: 'Webhook event retrieved successfully',
        data: {
          id: dead[0],
          configId,
          key: 'remita-collection',
          configVersion: 1,
          status: 'dead',
          body: '{"n":1}',
          clientIp: '127.0.0.1',
          receivedAt: '2026-11-28T10:00:00Z',
          attemptCount: 1,
          errors: ['Core banking is unreachable'],
          trace: {
            match: { key: 'remita-collection', version: 1, by: 'path' },
            ip: { clientIp: '127.0.0.1', allowed: true },
            verification: { scheme: 'none', passed: true },
            dedup: { key: null },
          },
          attempts: [{ attempt: 1, outcome: 'failed', errors: ['Core banking is unreachable'], configVersion: 1 }],
        },
      });
      const missing = await client.call('GetWebhookEventByIdQuery', { id: 999_999 });
      expect(missing).toMatchObject({ success: false, message: 'Event not found', code: kind === 'gateway' ? 404 : 'not_found' });
      const badFilter = await client.call('GetWebhookEventListQuery', { status: 'lost' });
      expect(badFilter).toMatchObject({
        success: false,
        message: 'Validation failed',
        errors: [expect.stringMatching(/^Status must be one of/)],
      });
    });

    it('reports a bad filter and bad paging together', async () => {
      const outcome = await client.call('GetWebhookEventListQuery', {
        status: 'lost',
        configId: -1,
        pageNumber: 0,
        pageSize: 500,
      });
      expect(outcome).toMatchObject({ success: false, message: 'Validation failed' });
      expect(outcome.errors).toEqual([
        expect.stringMatching(/^Status must be one of /),
        'Config id must be a positive number',
        'Page number must be at least 1',
        'Page size must be between 1 and 100',
      ]);
    });

    it('replays one dead event against the current configuration, and then in bulk by filter', async () => {
      const { configId, dead } = await seed();
      const updated = await client.call('UpdateWebHookConfigCommand', { id: configId, commandName: 'EchoCommand' });
      expect(updated.success).toBe(true);

      const one = await client.call('ReplayWebhookEventCommand', { id: dead[0]! });
      expect(one).toMatchObject({
        success: true,
        message: 'Webhook events queued for replay',
        data: { replayedCount: 1, eventIds: [dead[0]] },
      });
      const pending = await client.call('ReplayWebhookEventCommand', { id: dead[0]! });
      expect(pending).toMatchObject({ success: false, message: 'Replay failed', errors: ['The event is still queued'] });
      expect(await service.worker.drain()).toBe(1);
      const replayed = await client.call('GetWebhookEventByIdQuery', { id: dead[0]! });
      expect(replayed.data).toMatchObject({
        status: 'succeeded',
        attemptCount: 2,
        maxAttempts: 1 + defaultMaxAttempts,
        result: { body: { n: 1 }, attempt: 2 },
        trace: { replays: [{ by: 'admin' }] },
        attempts: [
          { attempt: 1, outcome: 'failed', configVersion: 1 },
          { attempt: 2, outcome: 'succeeded', configVersion: 2 },
        ],
      });

      const bulk = await client.call('ReplayWebhookEventCommand', { key: 'remita-collection', status: 'dead' });
      expect(bulk.data).toEqual({ replayedCount: 2, eventIds: [dead[1], dead[2]] });
      expect(await service.worker.drain()).toBe(2);
      const left = await client.call('GetWebhookEventListQuery', { status: 'dead' });
      expect(left.data).toMatchObject({ totalCount: 0 });

      const everything = await client.call('ReplayWebhookEventCommand', {});
      expect(everything).toMatchObject({ success: false, message: 'Validation failed' });
      const rejected = await client.call('GetWebhookEventListQuery', { status: 'rejected' });
      const rejectedId = (rejected.data as { items: { id: number }[] }).items[0]!.id;
      expect(await client.call('ReplayWebhookEventCommand', { id: rejectedId })).toMatchObject({
        success: false,
        errors: ['A rejected event cannot be replayed'],
      });
    });

    it('needs events:write to replay and events:read to read', async () => {
      const { dead } = await seed();
      expect((await readOnlyClient.call('GetWebhookEventByIdQuery', { id: dead[0]! })).success).toBe(true);
      const refused = await readOnlyClient.call('ReplayWebhookEventCommand', { id: dead[0]! });
      expect(refused).toMatchObject({
        success: false,
        message: 'Forbidden',
        code: kind === 'gateway' ? 403 : 'permission_denied',
      });
    });
  });
});
