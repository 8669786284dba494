import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { extendEventLeases } from '../../src/store/event-leases.js';
import { countInboxBySource } from '../../src/store/inbox-depth.js';
import { settleAttempts, type AttemptSettlement } from '../../src/store/settle-attempts.js';
import { vacuumEventQueue } from '../../src/store/vacuum-event-queue.js';
import { findWebhookEventById, insertWebhookEvent, requeueWebhookEvents } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const later = new Date('2026-11-28T12:05:00.000Z');

describe.each(engines)('the queue beside the event log on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const queueRows = async (eventId: number) =>
    (await database.db('webhook_event_queue').where({ event_id: eventId }).select('lease_owner', 'attempts')) as {
      lease_owner: string | null;
      attempts: number;
    }[];
  /** The event row's version: it changes only when the row is written. */
  const eventVersion = async (eventId: number) =>
    ((await database.db.raw('SELECT xmin::text AS v FROM webhook_events WHERE id = ?', [eventId])) as { rows: { v: string }[] })
      .rows[0]!.v;
  const claimOne = async (owner: string, at: Date, leaseMs = 60_000) => {
    const [claimed] = await claimOpenedAttempts(database.db, { owner, now: at, leaseMs, limit: 1 });
    return claimed!;
  };
  const settle = (
    claimed: Awaited<ReturnType<typeof claimOne>>,
    owner: string,
    settlement: AttemptSettlement['event']['settlement'],
  ) =>
    settleAttempts(database.db, [
      {
        attempt: {
          id: claimed.attemptId,
          finish: { outcome: 'failed', finishedAt: now, durationMs: 1, errors: ['no'], logs: null, steps: null },
        },
        event: { id: claimed.event.id, owner, attempt: claimed.event.attempts, settlement },
      },
    ]);

  it('claims and extends a lease on the queue row alone, and a settle removes the row as it writes the event once', async () => {
    const { id } = (await insertWebhookEvent(database.db, queuedEvent('k', now)))!;
    expect(await queueRows(id)).toEqual([{ lease_owner: null, attempts: 0 }]);
    const accepted = await eventVersion(id);

    const claimed = await claimOne('host:1', now);
    await extendEventLeases(database.db, { owner: 'host:1', leaseMs: 60_000, leases: [{ id, attempt: 1 }] });
    expect(await eventVersion(id)).toBe(accepted);
    expect(await queueRows(id)).toEqual([{ lease_owner: 'host:1', attempts: 1 }]);
    expect(await findWebhookEventById(database.db, id)).toMatchObject({
      status: 'processing',
      attempts: 1,
      leaseOwner: 'host:1',
    });

    expect(await settle(claimed, 'host:1', { status: 'dead', errors: ['no'], at: now })).toEqual([true]);
    expect(await queueRows(id)).toEqual([]);
    await vacuumEventQueue(database.db);
    expect(await eventVersion(id)).not.toBe(accepted);
    expect(await findWebhookEventById(database.db, id)).toMatchObject({
      status: 'dead',
      attempts: 1,
      leaseOwner: null,
      availableAt: null,
      errors: ['no'],
    });
  });

  it('keeps one queue row through a lease expiry and a retry, and a lost lease settles nothing', async () => {
    const { id } = (await insertWebhookEvent(database.db, queuedEvent('k', now)))!;
    const expired = await claimOne('dead-host', now, 0);
    const taken = await claimOne('host:2', now);
    expect(taken.event).toMatchObject({ id, attempts: 2 });
    expect(await queueRows(id)).toEqual([{ lease_owner: 'host:2', attempts: 2 }]);
    expect(await settle(expired, 'dead-host', { status: 'succeeded', result: {}, httpResponse: null, at: now })).toEqual([false]);
    expect(await queueRows(id)).toEqual([{ lease_owner: 'host:2', attempts: 2 }]);

    expect(await settle(taken, 'host:2', { status: 'queued', errors: ['later'], retryAt: later })).toEqual([true]);
    expect(await queueRows(id)).toEqual([{ lease_owner: null, attempts: 2 }]);
    expect(await findWebhookEventById(database.db, id)).toMatchObject({
      status: 'queued',
      attempts: 2,
      availableAt: later,
      errors: ['later'],
    });
    expect(await countInboxBySource(database.db, later)).toEqual([
      { source: 'router', queued: 1, processing: 0, oldestDueAgeSeconds: 0 },
    ]);
  });

  it('gives a replayed event one queue row, and none to one replayed twice or still running', async () => {
    const { id } = (await insertWebhookEvent(database.db, queuedEvent('k', now)))!;
    const claimed = await claimOne('host:1', now);
    const replay = { now: later, defaultMaxAttempts: 3, limit: 10, note: { by: 'test' } };
    expect(await requeueWebhookEvents(database.db, { ids: [id] }, replay)).toEqual([]);
    await settle(claimed, 'host:1', { status: 'succeeded', result: { ok: true }, httpResponse: null, at: now });

    expect(await requeueWebhookEvents(database.db, { ids: [id] }, replay)).toEqual([id]);
    expect(await requeueWebhookEvents(database.db, { ids: [id] }, replay)).toEqual([]);
    expect(await queueRows(id)).toEqual([{ lease_owner: null, attempts: 1 }]);
    expect(await findWebhookEventById(database.db, id)).toMatchObject({
      status: 'queued',
      attempts: 1,
      maxAttempts: 4,
      availableAt: later,
      result: { ok: true },
    });
  });
});
