import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCountingTarget } from '../helpers/counting-target.js';
import { createManagementClient } from '../helpers/management-clients.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

interface StoredAttempt {
  attempt: number;
  outcome: string;
  errors: string[];
}

describe.each(engines)('delivery limits and Retry-After on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let target: Awaited<ReturnType<typeof startCountingTarget>>;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    target = await startCountingTarget({ holdMs: 150 });
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1'] },
      delivery: { workerConcurrency: 16, workerPollMs: 50, retryBaseMs: 60_000, defaultMaxAttempts: 1 },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await target?.close();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    target.arrivals.length = 0;
    Object.assign(target.state, { maxInFlight: 0, busyAnswers: 0, answeredBusy: [] });
  });

  const forwarding = (key: string, fields: object) =>
    createConfig(service.baseUrl, {
      key,
      path: `/${key}`,
      action: 'POST',
      executionType: 1,
      commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/core` } }],
      responseMode: 'async',
      maxAttempts: 1,
      ...fields,
    });
  const post = async (key: string, n: number) => {
    const response = await callWebhook(service.baseUrl, key, { body: JSON.stringify({ n }) });
    expect(response.status).toBe(202);
    return (response.json.data as { eventId: number }).eventId;
  };
  const eventOf = async (id: number) =>
    (await command(service.baseUrl, 'GetWebhookEventByIdQuery', { id })).data as {
      status: string;
      attemptCount: number;
      attempts: StoredAttempt[];
    } | null;
  const allSucceeded = (ids: readonly number[], timeoutMs: number) =>
    eventually(async () => {
      const events = await Promise.all(ids.map(eventOf));
      return events.every((event) => event?.status === 'succeeded') ? events.map((event) => event!) : undefined;
    }, timeoutMs);

  it('never lets the target see more than maxConcurrency at once or maxPerSecond in any second, and waiting fails no attempt', async () => {
    await forwarding('core-limited', { maxConcurrency: 2, maxPerSecond: 5 });
    // The first forward of a process sets up its executor and connection: the rate window's margin
    // (250 ms) is for the usual spread of a request's way to the target, not for a cold start.
    await allSucceeded([await post('core-limited', 0)], 5_000);
    target.arrivals.length = 0;
    const ids: number[] = [];
    for (let n = 1; n <= 12; n++) ids.push(await post('core-limited', n));

    const events = await allSucceeded(ids, 20_000);
    expect(target.state.maxInFlight).toBeLessThanOrEqual(2);
    expect(target.maxInAnySecond()).toBeLessThanOrEqual(5);
    // Each ran once, its one allowed attempt succeeding: waiting for the limits was not an attempt.
    expect(events.map((event) => event.attemptCount)).toEqual(ids.map(() => 1));
  });

  it('defers a run the target answers 429 with Retry-After: the configuration waits, and the attempt is not counted', async () => {
    await forwarding('core-busy', {});
    target.state.busyAnswers = 1;
    target.state.retryAfterSeconds = 2;
    const first = await post('core-busy', 1);
    await eventually(async () => (target.state.answeredBusy.length === 1 ? true : undefined));
    const second = await post('core-busy', 2);
    const backOff = await eventually(async () =>
      sampleValue(await service.metrics.registry.metrics(), 'bpm_delivery_backoff_seconds', { config_key: 'core-busy' }),
    );
    expect(backOff).toBeGreaterThan(0);
    expect(backOff).toBeLessThanOrEqual(2);

    // One attempt allowed, yet it succeeds: the 429 was deferred, not failed.
    const [event] = await allSucceeded([first, second], 15_000);
    expect(event!.attempts.map((attempt) => [attempt.attempt, attempt.outcome])).toEqual([
      [1, 'deferred'],
      [2, 'succeeded'],
    ]);
    expect(event!.attempts[0]?.errors.join(' ')).toContain('Retry-After: 2 s');
    // Neither event reached the target before the back-off ended.
    const busyAt = target.state.answeredBusy[0]!;
    expect(Math.min(...target.arrivals) - busyAt).toBeGreaterThanOrEqual(1_900);
  });

  it('shows until when a Retry-After backs a configuration off, over the gateway and gRPC, and nothing once it ends', async () => {
    const config = await forwarding('core-backed-off', {});
    target.state.busyAnswers = 1;
    target.state.retryAfterSeconds = 3;
    const id = await post('core-backed-off', 1);
    await eventually(async () => (target.state.answeredBusy.length === 1 ? true : undefined));
    // The target notes times on performance.now(); the back-off's end is a wall-clock time.
    const busyAt = performance.timeOrigin + target.state.answeredBusy[0]!;

    const grpc = createManagementClient('grpc', service.baseUrl, service.adminToken);
    try {
      const [byId, list, overGrpc] = await Promise.all([
        command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: config.id }),
        command(service.baseUrl, 'GetWebHookConfigListQuery', { searchText: 'core-backed-off' }),
        grpc.call('GetWebHookConfigByIdQuery', { id: String(config.id) }),
      ]);
      const until = (byId.data as { deliveryBackoffUntil?: string }).deliveryBackoffUntil;
      expect(until).toMatch(/Z$/);
      // The database clock and the target's may differ by a few ms; the back-off is about 3 s after the 429.
      expect(Date.parse(until!) - busyAt).toBeGreaterThan(2_500);
      expect(Date.parse(until!) - busyAt).toBeLessThan(3_500);
      expect((list.data as { items: { deliveryBackoffUntil?: string }[] }).items[0]?.deliveryBackoffUntil).toBe(until);
      expect((overGrpc.data as { deliveryBackoffUntil?: string }).deliveryBackoffUntil).toBe(until);
    } finally {
      grpc.close();
    }

    await allSucceeded([id], 15_000);
    const after = await command(service.baseUrl, 'GetWebHookConfigByIdQuery', { id: config.id });
    expect((after.data as { deliveryBackoffUntil?: string }).deliveryBackoffUntil).toBeUndefined();
  });

  it('drains a paused configuration within its limits once resumed', async () => {
    const config = await forwarding('core-paused', { maxConcurrency: 1 });
    await command(service.baseUrl, 'PauseWebHookDeliveryCommand', { id: config.id });
    const ids: number[] = [];
    for (let n = 1; n <= 5; n++) ids.push(await post('core-paused', n));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.arrivals).toEqual([]);
    const waiting = await service.metrics.registry.metrics();
    expect(sampleValue(waiting, 'bpm_delivery_waiting_events', { config_key: 'core-paused', reason: 'pause' })).toBe(5);

    await command(service.baseUrl, 'ResumeWebHookDeliveryCommand', { id: config.id });
    await allSucceeded(ids, 15_000);
    expect(target.state.maxInFlight).toBe(1);
  });

  it('takes limits as positive whole numbers, keeps them on an update that omits them, and removes one given 0', async () => {
    const refused = await command(service.baseUrl, 'CreateWebHookConfigCommand', {
      key: 'bad-limits',
      path: '/bad-limits',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      maxConcurrency: -1,
      maxPerSecond: 20_000,
    });
    expect(refused).toMatchObject({
      success: false,
      errors: [
        'Max concurrency must be a whole number between 1 and 10000',
        'Max per second must be a whole number between 1 and 10000',
      ],
    });
    const config = await forwarding('core-updated', { maxConcurrency: 4, maxPerSecond: 50 });
    expect(config).toMatchObject({ maxConcurrency: 4, maxPerSecond: 50 });
    const kept = await command(service.baseUrl, 'UpdateWebHookConfigCommand', { id: config.id, description: 'core' });
    expect(kept.data).toMatchObject({ maxConcurrency: 4, maxPerSecond: 50 });
    const removed = await command(service.baseUrl, 'UpdateWebHookConfigCommand', { id: config.id, maxPerSecond: 0 });
    expect(removed.data).toMatchObject({ maxConcurrency: 4 });
    expect((removed.data as { maxPerSecond?: number }).maxPerSecond).toBeUndefined();
  });
});
