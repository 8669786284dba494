import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createCountingCommand, failingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

const start = new Date('2026-11-28T10:00:00.000Z');
const asyncEcho = {
  key: 'remita-payment',
  path: '/remita/payment',
  action: 'POST',
  executionType: 0,
  commandName: 'CountingTestCommand',
  responseMode: 'async',
};

describe.each(engines)('durable inbox on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let now = start;
  const counting = createCountingCommand();
  const advance = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [failingCommand, counting.command],
      delivery: { retryBaseMs: 1_000, retryMaxMs: 4_000, leaseMs: 30_000, defaultMaxAttempts: 8 },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    counting.runs.clear();
    now = start;
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    callWebhook(service.baseUrl, path, { body, headers });
  /** Thirty seconds pass on the database's clock for every lease: its worker died. */
  const expireLeases = () =>
    database
      .db('webhook_event_queue')
      .whereNotNull('lease_owner')
      .update({ due_at: database.db.raw(`now() - interval '1 second'`) });
  const eventIdOf = (response: { json: { data: unknown } }) => (response.json.data as { eventId: number }).eventId;

  it('retries a failing async event with exponential backoff and jitter, then dead-letters it', async () => {
    await createConfig(service.baseUrl, { ...asyncEcho, commandName: 'FailingTestCommand', maxAttempts: 4 });
    const response = await post('remita/payment', '{"rrr":"1"}');
    expect(response.status).toBe(202);
    const eventId = eventIdOf(response);

    // With random() = 0.5 each delay is three quarters of min(max, base * 2^(n-1)).
    const expectedDelays = [750, 1_500, 3_000];
    for (const [index, delay] of expectedDelays.entries()) {
      expect(await service.worker.drain()).toBe(1);
      const event = await findWebhookEventById(database.db, eventId);
      expect(event).toMatchObject({ status: 'queued', attempts: index + 1, errors: ['Core banking is unreachable'] });
      expect(event!.availableAt).toEqual(new Date(now.getTime() + delay));
      advance(delay - 1);
      expect(await service.worker.drain()).toBe(0);
      advance(1);
    }
    expect(await service.worker.drain()).toBe(1);
    const dead = await findWebhookEventById(database.db, eventId);
    expect(dead).toMatchObject({ status: 'dead', attempts: 4, availableAt: null, errors: ['Core banking is unreachable'] });
    expect(dead!.completedAt).toEqual(now);
    const attempts = await listEventAttempts(database.db, eventId);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'failed'],
    ]);
    advance(3_600_000);
    expect(await service.worker.drain()).toBe(0);
  });

  it('takes over an event whose worker died once its lease expires; the trace shows both attempts', async () => {
    await createConfig(service.baseUrl, asyncEcho);
    const eventId = eventIdOf(await post('remita/payment', '{"rrr":"2"}'));
    // Another process claims the event, starts its attempt, and dies.
    expect(await claimOpenedAttempts(database.db, { owner: 'dead-host:1:aaaaaa', now, leaseMs: 30_000, limit: 1 })).toHaveLength(
      1,
    );
    // The lease runs on the database's clock: the process's clock moving on does not end it.
    advance(3_600_000);
    expect(await service.worker.drain()).toBe(0);
    await expireLeases();
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'succeeded', attempts: 2 });
    const attempts = await listEventAttempts(database.db, eventId);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'succeeded'],
    ]);
    expect(counting.runs.get(eventId)).toBe(1);
  });

  it('dead-letters without running it an event whose last attempt was cut off, instead of reclaiming it forever', async () => {
    await createConfig(service.baseUrl, { ...asyncEcho, maxAttempts: 1 });
    const eventId = eventIdOf(await post('remita/payment', '{"rrr":"crash-loop"}'));
    // The only attempt kills its process (say, a poison payload): it starts and never settles.
    expect(await claimOpenedAttempts(database.db, { owner: 'dead-host:1:aaaaaa', now, leaseMs: 30_000, limit: 1 })).toHaveLength(
      1,
    );
    await expireLeases();
    expect(await service.worker.drain()).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({
      status: 'dead',
      attempts: 2,
      errors: ['Not run: its attempts ran out, the last one cut off before it finished'],
    });
    const attempts = await listEventAttempts(database.db, eventId);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'interrupted'],
      [2, 'failed'],
    ]);
    expect(counting.runs.get(eventId)).toBeUndefined();
    advance(3_600_000);
    expect(await service.worker.drain()).toBe(0);
  });

  describe('idempotency', () => {
    it('answers a repeated Idempotency-Key of a sync webhook with the stored outcome, byte for byte, without running it again', async () => {
      await createConfig(service.baseUrl, { ...asyncEcho, responseMode: 'sync' });
      const first = await post('remita/payment', '{"rrr":"3"}', { 'idempotency-key': 'K-1' });
      const again = await post('remita/payment', '{"rrr":"3"}', { 'idempotency-key': 'K-1' });
      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expect(again.text).toBe(first.text);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.headers.get('x-webhook-event-id')).toBe(first.headers.get('x-webhook-event-id'));
      expect([...counting.runs.values()]).toEqual([1]);
      const event = await findWebhookEventById(database.db, Number(first.headers.get('x-webhook-event-id')));
      expect(event!.trace).toMatchObject({
        dedup: { key: 'K-1', source: 'header:idempotency-key', repeats: 1, lastRepeatAt: start.toISOString() },
      });
    });

    it('stores one event for concurrent repeats of an async webhook (webhook-id) and runs it once', async () => {
      await createConfig(service.baseUrl, asyncEcho);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          post('remita/payment', '{"rrr":"4"}', { 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' }),
        ),
      );
      expect(new Set(responses.map((r) => r.status))).toEqual(new Set([202]));
      expect(new Set(responses.map(eventIdOf)).size).toBe(1);
      expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(7);
      await service.worker.drain();
      const repeat = await post('remita/payment', '{"rrr":"4"}', { 'webhook-id': 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W' });
      expect(repeat.status).toBe(202);
      await service.worker.drain();
      expect([...counting.runs.entries()]).toEqual([[eventIdOf(responses[0]!), 1]]);
      const event = await findWebhookEventById(database.db, eventIdOf(responses[0]!));
      expect(event!.trace).toMatchObject({ dedup: { source: 'header:webhook-id', repeats: 8 } });
    });

    it('keys a signed Standard Webhooks request by its webhook-id: a replay with a new Idempotency-Key runs nothing', async () => {
      const signingKey = randomBytes(32);
      const verification = { scheme: 'standard-webhooks', secret: `whsec_${signingKey.toString('base64')}` };
      await createConfig(service.baseUrl, { ...asyncEcho, responseMode: 'sync', verification });
      // Signed with node:crypto from the spec, as the provider would; the capture is replayed unchanged.
      const body = '{"rrr":"5","amount":5000}';
      const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
      const timestamp = String(start.getTime() / 1000);
      const signature = createHmac('sha256', signingKey).update(`${id}.${timestamp}.${body}`).digest('base64');
      const signed = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': `v1,${signature}` };
      const first = await post('remita/payment', body, { ...signed, 'idempotency-key': 'K-original' });
      advance(60_000);
      const replay = await post('remita/payment', body, { ...signed, 'idempotency-key': 'K-replayed' });
      expect(first.status).toBe(200);
      expect(replay.status).toBe(200);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('x-webhook-event-id')).toBe(first.headers.get('x-webhook-event-id'));
      expect([...counting.runs.values()]).toEqual([1]);
      const event = await findWebhookEventById(database.db, Number(first.headers.get('x-webhook-event-id')));
      expect(event).toMatchObject({ idempotencyKey: id, trace: { dedup: { source: 'header:webhook-id', repeats: 1 } } });
    });

    it('takes the key from a configured JSON pointer, per configuration', async () => {
      await createConfig(service.baseUrl, { ...asyncEcho, idempotencyKey: 'body:/data/reference' });
      await createConfig(service.baseUrl, {
        ...asyncEcho,
        key: 'remita-collection',
        path: '/remita/collection',
        idempotencyKey: 'body:/data/reference',
      });
      const a = await post('remita/payment', '{"data":{"reference":"R-9"},"n":1}');
      const b = await post('remita/payment', '{"data":{"reference":"R-9"},"n":2}');
      const c = await post('remita/collection', '{"data":{"reference":"R-9"}}');
      const d = await post('remita/payment', '{"data":{"reference":"R-10"}}');
      expect(eventIdOf(b)).toBe(eventIdOf(a));
      expect(new Set([eventIdOf(a), eventIdOf(c), eventIdOf(d)]).size).toBe(3);
      const event = await findWebhookEventById(database.db, eventIdOf(a));
      expect(event).toMatchObject({ idempotencyKey: 'R-9', trace: { dedup: { key: 'R-9', source: 'body:/data/reference' } } });
    });
  });
});
