import { afterAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { startCountingTarget } from '../helpers/counting-target.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const events = 30;
const maxConcurrency = 3;
const maxPerSecond = 10;

interface StoredEvent {
  status: string;
  attempts: { outcome: string; worker: string }[];
}

describe.skipIf(!url)('delivery limits when a process holding admitted events is killed with SIGKILL', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  let target: Awaited<ReturnType<typeof startCountingTarget>> | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    await target?.close();
    await database?.drop();
  });

  it('gives the dead process its slots back when its leases end, and runs every event once more within the limits', async () => {
    target = await startCountingTarget({ holdMs: 300 });
    database = await createScratchDatabase(url!, 'bpm_limits_crash');
    const env = {
      AUTH_HS256_SECRET: testSecret,
      DATABASE_URL: database.url,
      FORWARD_ALLOWED_HOSTS: '127.0.0.1',
      LEASE_MS: '1000',
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
      // A cut-off attempt counts as one (the target may have acted on it): room for the rerun.
      maxAttempts: 3,
      // The target holds requests while the test picks its moment: the runs may wait that long.
      timeoutMs: 30_000,
      maxConcurrency,
      maxPerSecond,
    });
    // Both processes know the configuration and have forwarded once (a cold start is no measure).
    for (const via of [a!, b!]) {
      await eventually(async () =>
        (await callWebhook(via.baseUrl, 'core/postings', { body: '{"n":0}' })).status === 202 ? true : undefined,
      );
    }
    await eventually(async () => (target!.arrivals.length >= 2 ? true : undefined), 10_000);
    target.arrivals.length = 0;
    target.bodies.length = 0;
    target.state.maxInFlight = 0;

    // The target holds every run until the test lets it go, so a run of A seen under way is
    // surely cut off by the kill.
    target.closeGate();
    const posts = await Promise.all(
      Array.from({ length: events }, (_, n) => callWebhook(a!.baseUrl, 'core/postings', { body: JSON.stringify({ n: n + 1 }) })),
    );
    expect(posts.map((response) => response.status)).toEqual(posts.map(() => 202));
    const ids = posts.map((response) => (response.json.data as { eventId: number }).eventId);

    // Killed while it runs admitted events: their slots are held by its leases until those end.
    const aWorker = `:${a!.process.pid}`;
    const eventOf = async (id: number) => {
      const read = await command(b!.baseUrl, 'GetWebhookEventByIdQuery', { id });
      if (!read.data) throw new Error(`event ${id}: ${JSON.stringify(read)}`);
      return read.data as StoredEvent;
    };
    const aIsRunningOne = async () => {
      const stored = await Promise.all(ids.map(eventOf));
      return stored.some((event) => event.attempts.some((at) => at.outcome === 'running' && at.worker.includes(aWorker)));
    };
    // Every slot taken and held: if B holds them all, one of its runs ends and the slot is taken again.
    await eventually(async () => (target!.heldCount() === maxConcurrency ? true : undefined), 20_000);
    while (!(await aIsRunningOne())) {
      const heldBefore = target.heldCount();
      target.releaseOldest();
      await eventually(async () => (target!.heldCount() === heldBefore ? true : undefined), 20_000);
    }
    await a!.stop('SIGKILL');
    target.openGate();

    const final = await eventually(async () => {
      const stored = await Promise.all(ids.map(eventOf));
      return stored.every((event) => event.status === 'succeeded') ? stored : undefined;
    }, 60_000);

    // Within the limits throughout, the dead process's runs and their reruns included.
    expect(target.state.maxInFlight).toBeLessThanOrEqual(maxConcurrency);
    expect(target.maxInAnySecond()).toBeLessThanOrEqual(maxPerSecond);
    // Each event succeeded once; an attempt the kill cut off is noted interrupted, and its rerun
    // ran in the surviving process.
    const cutOff = final.filter((event) => event.attempts.length > 1);
    expect(cutOff.length).toBeGreaterThan(0);
    for (const event of final) {
      expect(event.attempts.map((at) => at.outcome)).toEqual([...event.attempts.slice(1).map(() => 'interrupted'), 'succeeded']);
    }
    for (const event of cutOff) expect(event.attempts.at(-1)!.worker).not.toContain(aWorker);
    // The target saw every event; twice only those whose first run the kill cut off.
    const seen = new Map<number, number>();
    for (const body of target.bodies) {
      const { n } = JSON.parse(body) as { n: number };
      seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    expect([...seen.keys()].sort((x, y) => x - y)).toEqual(ids.map((_, n) => n + 1));
    const twice = [...seen.values()].filter((count) => count > 1).length;
    expect(twice).toBeLessThanOrEqual(cutOff.length);
    expect(Math.max(...seen.values())).toBeLessThanOrEqual(2);
  }, 120_000);
});
