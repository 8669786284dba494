import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { startCountingTarget } from '../helpers/counting-target.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const events = 40;

describe.skipIf(!url)('delivery limits across two service processes', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  let target: Awaited<ReturnType<typeof startCountingTarget>> | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    await target?.close();
    await database?.drop();
  });

  it('holds maxConcurrency and maxPerSecond over both processes together, and waiting fails no attempt', async () => {
    target = await startCountingTarget({ holdMs: 200 });
    database = await createScratchDatabase(url!, 'bpm_limits');
    const env = {
      AUTH_HS256_SECRET: testSecret,
      DATABASE_URL: database.url,
      FORWARD_ALLOWED_HOSTS: '127.0.0.1',
      WORKER_CONCURRENCY: '8',
      WORKER_POLL_MS: '50',
    };
    const [a, b] = await Promise.all([startChildService(env), startChildService(env)]);
    children.push(a!, b!);
    await createConfig(a!.baseUrl, {
      key: 'core-postings',
      path: '/core/postings',
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/post` } }],
      responseMode: 'async',
      maxAttempts: 1,
      maxConcurrency: 3,
      maxPerSecond: 10,
    });
    // Both processes know the configuration, and each has forwarded once (a cold start is no measure).
    for (const via of [a!, b!]) {
      await eventually(async () =>
        (await callWebhook(via.baseUrl, 'core/postings', { body: '{"n":0}' })).status === 202 ? true : undefined,
      );
    }
    await eventually(async () => (target!.arrivals.length >= 2 ? true : undefined), 10_000);
    target.arrivals.length = 0;
    target.state.maxInFlight = 0;

    const posts = Array.from({ length: events }, (_, n) =>
      callWebhook((n % 2 === 0 ? a! : b!).baseUrl, 'core/postings', { body: JSON.stringify({ n: n + 1 }) }),
    );
    expect((await Promise.all(posts)).map((response) => response.status)).toEqual(posts.map(() => 202));

    await eventually(async () => {
      const list = await command(a!.baseUrl, 'GetWebhookEventListQuery', { status: 'succeeded', pageSize: 1 });
      return (list.data as { totalCount: number }).totalCount >= events + 2 ? true : undefined;
    }, 60_000);
    expect(target.arrivals.length).toBe(events);
    expect(target.state.maxInFlight).toBeLessThanOrEqual(3);
    expect(target.maxInAnySecond()).toBeLessThanOrEqual(10);
    // Every event ran once, with one attempt allowed: nothing over the limit was failed.
    const dead = await command(a!.baseUrl, 'GetWebhookEventListQuery', { status: 'dead', pageSize: 1 });
    expect((dead.data as { totalCount: number }).totalCount).toBe(0);
  });
});
