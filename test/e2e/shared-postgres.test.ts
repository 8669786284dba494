import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/store/open-database.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const eventCount = 200;

describe.skipIf(!url)('two service processes on one PostgreSQL', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGTERM')));
    await database?.drop();
  });

  it('share the async work without running any event twice, and see config changes within a second', async () => {
    database = await createScratchDatabase(url!, 'bpm_shared');
    const env = { AUTH_HS256_SECRET: testSecret, DATABASE_URL: database.url, WORKER_CONCURRENCY: '4', WORKER_POLL_MS: '20' };
    const [a, b] = await Promise.all([startChildService(env), startChildService(env)]);
    children.push(a!, b!);

    // B has loaded its (empty) route table before the configuration exists.
    expect((await callWebhook(b!.baseUrl, 'mono/callback', { body: '{}' })).status).toBe(404);
    await createConfig(a!.baseUrl, {
      key: 'mono-callback',
      path: '/mono/callback',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    // Created through A; B learns of it by NOTIFY.
    await eventually(
      async () => ((await callWebhook(b!.baseUrl, 'mono/callback', { body: '{}' })).status === 202 ? true : undefined),
      1_000,
    );

    const responses = await Promise.all(
      Array.from({ length: eventCount }, (_, n) =>
        callWebhook((n % 2 === 0 ? a : b)!.baseUrl, 'mono/callback', { body: JSON.stringify({ n }) }),
      ),
    );
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([202]));
    await eventually(async () => {
      const list = await command(a!.baseUrl, 'GetWebhookEventListQuery', { status: 'succeeded', pageSize: 1 });
      return (list.data as { totalCount: number }).totalCount === eventCount + 1 ? true : undefined;
    }, 30_000);

    const check = await openDatabase({ engine: 'postgres', url: database.url, poolMax: 1 });
    const perEvent = await check('webhook_event_attempts').select('event_id').count({ n: '*' }).groupBy('event_id');
    const byWorker: { worker: string }[] = await check('webhook_event_attempts').distinct('worker');
    await check.destroy();
    expect(perEvent).toHaveLength(eventCount + 1);
    expect(perEvent.every((row) => Number(row.n) === 1)).toBe(true);
    const pids = new Set(byWorker.map((row) => row.worker.split(':')[1]));
    expect(pids).toEqual(new Set([String(a!.process.pid), String(b!.process.pid)]));
  }, 120_000);
});
