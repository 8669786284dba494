import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { failingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const at = (hhmm: string) => new Date(`2026-11-28T${hhmm}:00.000Z`);
const echo = { action: 'POST', executionType: 0, commandName: 'EchoCommand', responseMode: 'sync' };

/** Reads configurations only: enough for the overview's counts, not for the events themselves. */
const configReader: Authenticator = async () => ({
  kind: 'operator',
  subject: 'dashboard',
  permissions: new Set(['webhooks:read'] as const),
});

describe.each(engines)("the console's delivery overview on %s", (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let dashboard: RunningService;
  let now = at('09:00');
  let firstWaiting = 0;

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

    // Yesterday, outside the default window: one event that succeeds.
    now = new Date('2026-11-27T09:00:00.000Z');
    await createConfig(service.baseUrl, { ...echo, key: 'echo', path: '/echo' });
    await callWebhook(service.baseUrl, 'echo', { body: '{"n":0}' });

    // 09:00: two successes, a sync failure, a refused call, two async events that go dead.
    now = at('09:00');
    await createConfig(service.baseUrl, { ...echo, key: 'sync-fail', path: '/sync-fail', commandName: 'FailingTestCommand' });
    await createConfig(service.baseUrl, { ...echo, key: 'blocked', path: '/blocked', allowableIPs: '10.0.0.0/8' });
    await createConfig(service.baseUrl, {
      ...echo,
      key: 'settlement',
      path: '/settlement',
      commandName: 'FailingTestCommand',
      responseMode: 'async',
    });
    await createConfig(service.baseUrl, { ...echo, key: 'quiet', path: '/quiet' });
    for (const n of [1, 2]) await callWebhook(service.baseUrl, 'echo', { body: JSON.stringify({ n }) });
    await callWebhook(service.baseUrl, 'sync-fail', { body: '{}' });
    expect((await callWebhook(service.baseUrl, 'blocked', { body: '{}' })).status).toBe(403);
    for (const n of [1, 2]) await callWebhook(service.baseUrl, 'settlement', { body: JSON.stringify({ n }) });
    await service.worker.drain();

    // 09:10: two async events that nobody runs (no worker): the inbox's backlog.
    now = at('09:10');
    await createConfig(service.baseUrl, { ...echo, key: 'later', path: '/later', responseMode: 'async' });
    for (const n of [1, 2]) {
      const answer = await callWebhook(service.baseUrl, 'later', { body: JSON.stringify({ n }) });
      expect(answer.status).toBe(202);
      if (n === 1) firstWaiting = Number(answer.headers.get('x-webhook-event-id'));
    }
    now = at('09:30');
  });
  afterAll(async () => {
    await dashboard?.stop();
    await service?.stop();
    await database?.destroy();
  });

  const zeros = { succeeded: 0, failed: 0, dead: 0, queued: 0, processing: 0, rejected: 0 };

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

    it("answers the inbox's backlog and every configuration's events of the last day by status, in one call", async () => {
      const overview = await client.call('GetDeliveryOverviewQuery');
      expect(overview).toMatchObject({ success: true, message: 'Delivery overview retrieved successfully' });
      const data = overview.data as { configs: { configKey: string }[] } & Record<string, unknown>;
      expect(data).toMatchObject({
        since: '2026-11-27T09:30:00Z',
        queued: 2,
        processing: 0,
        // The first waiting event became due at 09:10: twenty minutes ago.
        oldestDueAgeSeconds: 1_200,
        oldestDueEventId: firstWaiting,
      });
      expect(data.configs.map(({ configId: _id, ...counts }: Record<string, unknown>) => counts)).toEqual([
        { configKey: 'blocked', isEnabled: true, ...zeros, rejected: 1 },
        // Yesterday's success is outside the window.
        { configKey: 'echo', isEnabled: true, ...zeros, succeeded: 2 },
        { configKey: 'later', isEnabled: true, ...zeros, queued: 2 },
        { configKey: 'quiet', isEnabled: true, ...zeros },
        { configKey: 'settlement', isEnabled: true, ...zeros, dead: 2 },
        { configKey: 'sync-fail', isEnabled: true, ...zeros, failed: 1 },
      ]);
    });

    it('counts from a given start, up to a week back', async () => {
      const week = await client.call('GetDeliveryOverviewQuery', { since: '2026-11-22T09:30:00Z' });
      const echoCounts = (week.data as { configs: { configKey: string; succeeded: number }[] }).configs.find(
        (config) => config.configKey === 'echo',
      );
      expect(echoCounts?.succeeded).toBe(3);
      const refused = await client.call('GetDeliveryOverviewQuery', { since: '2026-11-21T09:29:59Z' });
      expect(refused).toMatchObject({
        success: false,
        errors: ['since must be at most 7 days ago'],
        code: kind === 'gateway' ? 400 : 'invalid_argument',
      });
      const future = await client.call('GetDeliveryOverviewQuery', { since: '2026-11-28T09:31:00Z' });
      expect(future).toMatchObject({ success: false, errors: ['since must be in the past'] });
    });

    it('gives the overview to a reader of configurations, who may not read the events themselves', async () => {
      expect((await dashboardClient.call('GetDeliveryOverviewQuery')).success).toBe(true);
      expect(await dashboardClient.call('GetWebhookEventListQuery')).toMatchObject({ success: false });
    });
  });
});
