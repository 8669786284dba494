import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { failingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const start = new Date('2026-11-28T10:00:20.000Z');
const minute = (hhmm: string) => `2026-11-28T${hhmm}:00Z`;
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand', responseMode: 'sync' };

/** Reads configurations only: enough for the per-minute counts, not for the events themselves. */
const configReader: Authenticator = async () => ({
  kind: 'operator',
  subject: 'dashboard',
  permissions: new Set(['webhooks:read'] as const),
});

describe.each(engines)('event counts per minute on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let dashboard: RunningService;
  let now = start;
  let echoConfigId = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const options = {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [failingCommand],
      // The async config sets no maxAttempts: one failure is final (dead).
      delivery: { defaultMaxAttempts: 1 },
    };
    service = await startTestService(database.db, options);
    dashboard = await startTestService(database.db, { ...options, authenticate: configReader });

    // 10:00: two events that succeed, one sync failure, one refused call (stored as rejected).
    echoConfigId = (await createConfig(service.baseUrl, { ...echo, key: 'echo', path: '/echo' })).id;
    await createConfig(service.baseUrl, { ...echo, key: 'sync-fail', path: '/sync-fail', commandName: 'FailingTestCommand' });
    await createConfig(service.baseUrl, { ...echo, key: 'blocked', path: '/blocked', allowableIPs: '10.0.0.0/8' });
    for (const n of [1, 2]) await stored(callWebhook(service.baseUrl, 'echo', { body: JSON.stringify({ n }) }));
    await stored(callWebhook(service.baseUrl, 'sync-fail', { body: '{}' }));
    expect((await callWebhook(service.baseUrl, 'blocked', { body: '{}' })).status).toBe(403);

    // 10:02: two async events that fail once and are dead.
    now = new Date(minute('10:02'));
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'settlement',
      path: '/settlement',
      commandName: 'FailingTestCommand',
      responseMode: 'async',
    });
    for (const n of [1, 2]) await stored(callWebhook(service.baseUrl, 'settlement', { body: JSON.stringify({ n }) }));
    await service.worker.drain();
    now = new Date(minute('10:30'));
  });
  afterAll(async () => {
    await dashboard?.stop();
    await service?.stop();
    await database?.destroy();
  });

  describe.each(clientKinds)('over %s', (kind) => {
    let client: ManagementClient;
    let dashboardClient: ManagementClient;
    beforeAll(() => {
      client = createManagementClient(kind, service.baseUrl, service.adminToken);
      dashboardClient = createManagementClient(kind, dashboard.baseUrl);
    });
    afterAll(() => {
      client.close();
      dashboardClient.close();
    });

    it('counts accepted, succeeded, failed and dead events per minute of arrival over the last hour', async () => {
      const counts = await client.call('GetWebhookEventCountsByMinuteQuery');
      expect(counts).toMatchObject({ success: true, message: 'Webhook event counts retrieved successfully' });
      expect(counts.data).toEqual({
        buckets: [
          // The refused call is stored as rejected: not accepted, and in none of the three statuses.
          { minute: minute('10:00'), accepted: 3, succeeded: 2, failed: 1, dead: 0 },
          { minute: minute('10:02'), accepted: 2, succeeded: 0, failed: 0, dead: 2 },
        ],
      });
    });

    it('narrows the counts to one configuration and to a later start', async () => {
      const oneConfig = await client.call('GetWebhookEventCountsByMinuteQuery', { configId: echoConfigId });
      expect(oneConfig.data).toEqual({ buckets: [{ minute: minute('10:00'), accepted: 2, succeeded: 2, failed: 0, dead: 0 }] });
      const later = await client.call('GetWebhookEventCountsByMinuteQuery', { since: minute('10:01') });
      expect(later.data).toEqual({ buckets: [{ minute: minute('10:02'), accepted: 2, succeeded: 0, failed: 0, dead: 2 }] });
      const quiet = await client.call('GetWebhookEventCountsByMinuteQuery', { since: minute('10:25') });
      expect(quiet.data).toEqual({ buckets: [] });
    });

    it('refuses a start in the future or more than a day back', async () => {
      const refused = await client.call('GetWebhookEventCountsByMinuteQuery', { since: '2026-11-27T10:29:59Z' });
      expect(refused).toMatchObject({ success: false, errors: ['since must be at most 24 hours ago'] });
      const future = await client.call('GetWebhookEventCountsByMinuteQuery', { since: minute('10:31') });
      expect(future).toMatchObject({
        success: false,
        errors: ['since must be in the past'],
        code: kind === 'gateway' ? 400 : 'invalid_argument',
      });
    });

    it('gives the counts to a reader of configurations, who may not read the events themselves', async () => {
      const counts = await dashboardClient.call('GetWebhookEventCountsByMinuteQuery');
      expect(counts.success).toBe(true);
      expect((counts.data as { buckets: unknown[] }).buckets).toHaveLength(2);
      const events = await dashboardClient.call('GetWebhookEventListQuery');
      expect(events).toMatchObject({ success: false, code: kind === 'gateway' ? 403 : 'permission_denied' });
    });
  });
});

/** The stored event's id from a webhook's answer. */
async function stored(response: ReturnType<typeof callWebhook>): Promise<number> {
  const answer = await response;
  const id = Number(answer.headers.get('x-webhook-event-id'));
  expect(id).toBeGreaterThan(0);
  return id;
}
