import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createCancellableCommand, createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

const leaseMs = 1_000;
const hour = 3_600_000;

/** Two processes on one database; each run of the slow command takes two and a half leases. */
describe.each(engines)('leases on the database clock, extended while an attempt runs, on %s', (engine) => {
  let database: TestDatabase;
  const counting = createCountingCommand({ delayMs: 2.5 * leaseMs });
  const cancellable = createCancellableCommand();
  const services: RunningService[] = [];
  const start = async (clock?: () => Date) => {
    const service = await startTestService(database.db, {
      extraCommands: [counting.command, cancellable.command],
      delivery: { leaseMs, workerPollMs: 20 },
      ...(clock && { clock }),
    });
    services.push(service);
    return service;
  };
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    await database.truncate();
    counting.runs.clear();
  });
  afterAll(() => database?.destroy());

  const slow = { action: 'POST', executionType: 0, commandName: 'CountingTestCommand', timeoutMs: 10 * leaseMs };
  const settledEvent = (id: number) =>
    eventually(async () => {
      const event = await findWebhookEventById(database.db, id);
      return event?.status === 'processing' || event?.status === 'queued' ? undefined : event;
    }, 15_000);

  it('completes an async execution longer than LEASE_MS once while another process polls', async () => {
    const first = await start();
    await start();
    await createConfig(first.baseUrl, { ...slow, key: 'slow-async', path: '/slow/async', responseMode: 'async' });
    const response = await callWebhook(first.baseUrl, 'slow/async', { body: '{}' });
    expect(response.status).toBe(202);
    const eventId = (response.json.data as { eventId: number }).eventId;
    expect(await settledEvent(eventId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, leaseMs));
    expect(counting.runs.get(eventId)).toBe(1);
    expect((await listEventAttempts(database.db, eventId)).map((a) => a.outcome)).toEqual(['succeeded']);
  });

  it('never lets a process whose clock runs an hour ahead take an event another process holds', async () => {
    const first = await start();
    await start(() => new Date(Date.now() + hour));
    await createConfig(first.baseUrl, { ...slow, key: 'slow-sync', path: '/slow/sync' });
    const response = await callWebhook(first.baseUrl, 'slow/sync', { body: '{}' });
    expect(response.status).toBe(200);
    const eventId = Number(response.headers.get('x-webhook-event-id'));
    await new Promise((resolve) => setTimeout(resolve, leaseMs));
    expect(await settledEvent(eventId)).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(counting.runs.get(eventId)).toBe(1);
  });

  it('stops an execution as soon as its lease is found taken', async () => {
    const service = await start();
    await createConfig(service.baseUrl, {
      action: 'POST',
      executionType: 0,
      commandName: 'CancellableTestCommand',
      key: 'held',
      path: '/held',
      responseMode: 'async',
      timeoutMs: 20 * leaseMs,
    });
    const response = await callWebhook(service.baseUrl, 'held', { body: '{}' });
    await cancellable.started;
    // Another worker took the event (its lease had expired while this process was stalled).
    await database
      .db('webhook_event_queue')
      .where({ event_id: (response.json.data as { eventId: number }).eventId })
      .update({ lease_owner: 'other-host:1:aaaaaa', attempts: 2 });
    expect(await cancellable.ended).toBe('cancelled');
  });
});
