import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('notifications from two service processes on one PostgreSQL', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  let receiver: Awaited<ReturnType<typeof startForwardTarget>> | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGTERM')));
    await receiver?.close();
    await database?.drop();
  });

  it('send one message per condition while both evaluate every 200 ms, and one per clearing', async () => {
    database = await createScratchDatabase(url!, 'bpm_notify');
    receiver = await startForwardTarget();
    const env = {
      AUTH_HS256_SECRET: testSecret,
      DATABASE_URL: database.url,
      WORKER_POLL_MS: '20',
      FORWARD_ALLOWED_HOSTS: '127.0.0.1',
      NOTIFY_WEBHOOK_URL: `http://127.0.0.1:${receiver.port}/hooks/secret-path`,
      NOTIFY_CHECK_INTERVAL_MS: '200',
      NOTIFY_FAILURE_MIN_EVENTS: '4',
      PUBLIC_URL: 'https://webhooks.bank.example',
      COMMAND_MODULES: 'test/fixtures/command-modules/fail-on-demand.js',
    };
    const a = await startChildService(env);
    children.push(a);
    const b = await startChildService(env);
    children.push(b);
    const texts = () => receiver!.received.map((request) => (JSON.parse(request.body) as { text: string }).text);

    await createConfig(a.baseUrl, {
      key: 'core-posting',
      path: '/core-posting',
      action: 'POST',
      executionType: 0,
      commandName: 'FailOnDemandCommand',
      responseMode: 'async',
      maxAttempts: 1,
    });
    await eventually(
      async () => ((await callWebhook(b.baseUrl, 'core-posting', { body: '{"fail":true}' })).status === 202 ? true : undefined),
      2_000,
    );
    for (let n = 0; n < 9; n++) await callWebhook((n % 2 ? a : b).baseUrl, 'core-posting', { body: '{"fail":true}' });
    await eventually(async () => (texts().some((text) => text.includes('FAILING:')) ? true : undefined), 20_000);
    // Ten more checks by each process.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(texts().filter((text) => text.includes('DEAD:'))).toHaveLength(1);
    expect(texts().filter((text) => text.includes('FAILING:'))).toHaveLength(1);
    expect(texts()).toHaveLength(2);

    for (let n = 0; n < 11; n++) await callWebhook((n % 2 ? a : b).baseUrl, 'core-posting', { body: '{"fail":false}' });
    await eventually(async () => {
      const list = await command(a.baseUrl, 'GetWebhookEventListQuery', { status: 'succeeded', pageSize: 1 });
      return (list.data as { totalCount: number }).totalCount === 11 ? true : undefined;
    }, 20_000);
    await eventually(async () => (texts().length >= 4 ? true : undefined), 20_000);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const cleared = texts().filter((text) => text.includes('CLEARED:'));
    expect(cleared.filter((text) => text.includes('dead letters of "core-posting"'))).toHaveLength(1);
    expect(cleared.filter((text) => text.includes('failure ratio of "core-posting": 10 of 21 events failed'))).toHaveLength(1);
    expect(texts()).toHaveLength(4);
  }, 120_000);
});
