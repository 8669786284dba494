import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventStatus } from '../../src/domain/proto-lists.js';
import type { NewWebhookEvent } from '../../src/domain/webhook-event.js';
import { createRetentionJob } from '../../src/delivery/retention-job.js';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { listEventLogPartitions, partitionFor } from '../../src/store/event-log-partitions.js';
import { settleAttempts } from '../../src/store/settle-attempts.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { findWebhookEventById, insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';
import { queuedEvent } from '../helpers/store-fixtures.js';

const now = new Date('2026-12-02T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe.each(engines)('event retention by weeks of the log on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());
  beforeEach(() => database.truncate());

  const job = () => createRetentionJob({ db: database.db, log: silentLog, clock: () => now, retentionDays: 30 });

  /** An event as the service stores it; a week of the log that does not exist yet is made by the insert. */
  async function event(status: EventStatus, receivedAt: Date, fields: Partial<NewWebhookEvent> = {}): Promise<number> {
    const stored = await insertWebhookEvent(database.db, {
      ...queuedEvent('mono', receivedAt, { configId: 1, configVersion: 1 }),
      status,
      attempts: status === 'queued' ? 0 : 1,
      maxAttempts: 3,
      availableAt: status === 'queued' ? receivedAt : null,
      ...fields,
    });
    if (status !== 'queued') {
      await database.db('webhook_event_attempts').insert({
        event_id: stored!.id,
        attempt: 1,
        worker: 'w',
        started_at: receivedAt,
        outcome: 'failed',
      });
    }
    return stored!.id;
  }
  const ids = async () =>
    (await database.db('webhook_events').select('id').orderBy('id')).map((row: { id: string | number }) => Number(row.id));

  it('drops whole weeks older than EVENT_RETENTION_DAYS with their attempts and keys, never a week holding a queued event', async () => {
    const expired = [
      await event('succeeded', daysAgo(60), { idempotencyKey: 'payment-1' }),
      await event('dead', daysAgo(59)),
      await event('rejected', daysAgo(45)),
    ];
    const queuedLongAgo = await event('queued', daysAgo(75));
    const neighbour = await event('dead', daysAgo(75));
    const young = [await event('succeeded', daysAgo(29)), await event('dead', daysAgo(1)), await event('queued', now)];

    const first = await job().runOnce();

    expect(first.kept.map((week) => week.name)).toEqual([partitionFor(daysAgo(75)).name]);
    expect(first.dropped.map((week) => week.name)).toEqual(
      [...new Set([daysAgo(60), daysAgo(59), daysAgo(45)].map((at) => partitionFor(at).name))].sort(),
    );
    expect(await ids()).toEqual([queuedLongAgo, neighbour, ...young]);
    expect(Number((await database.db('webhook_event_attempts').whereIn('event_id', expired).count({ n: '*' }))[0]!.n)).toBe(0);
    expect((await listEventAttempts(database.db, neighbour)).length).toBe(1);
    // The key went with its week: the provider's next delivery of it, months later, is a new event.
    expect(await event('succeeded', daysAgo(2), { idempotencyKey: 'payment-1' })).toBeGreaterThan(young.at(-1)!);

    // Once the old event has run, its week goes at the next run.
    const [claimed] = await claimOpenedAttempts(database.db, { owner: 'w', now, leaseMs: 60_000, limit: 1 });
    expect(claimed?.event.id).toBe(queuedLongAgo);
    await settleAttempts(database.db, [
      {
        attempt: {
          id: claimed!.attemptId,
          finish: { outcome: 'succeeded', finishedAt: now, durationMs: 1, errors: null, logs: null, steps: null },
        },
        event: {
          id: queuedLongAgo,
          owner: 'w',
          attempt: 1,
          settlement: { status: 'succeeded', result: {}, httpResponse: null, at: now },
        },
      },
    ]);
    const second = await job().runOnce();
    expect(second.dropped.map((week) => week.name)).toEqual([partitionFor(daysAgo(75)).name]);
    expect(await findWebhookEventById(database.db, queuedLongAgo)).toBeUndefined();
    expect(await findWebhookEventById(database.db, young[0]!)).toMatchObject({ status: 'succeeded' });
  });

  it('makes three weeks ahead of the clock and keeps everything when EVENT_RETENTION_DAYS is 0', async () => {
    const old = await event('dead', daysAgo(400));
    const run = await createRetentionJob({ db: database.db, log: silentLog, clock: () => now, retentionDays: 0 }).runOnce();

    expect(run).toEqual({ dropped: [], kept: [] });
    expect(await ids()).toEqual([old]);
    const weeks = (await listEventLogPartitions(database.db)).map((week) => week.name);
    for (const ahead of [0, 7, 14, 21]) expect(weeks).toContain(partitionFor(new Date(now.getTime() + ahead * 86_400_000)).name);
  });

  it.runIf(engine === 'postgres')(
    'leaves a week for a later run rather than making webhooks wait behind a report holding the log',
    async () => {
      const old = await event('dead', daysAgo(60));
      const report = await database.db.transaction();
      try {
        await report.raw('SELECT count(*) FROM webhook_events');
        const started = performance.now();
        const run = await job().runOnce();
        expect(run.dropped).toEqual([]);
        expect(run.kept.map((week) => week.name)).toContain(partitionFor(daysAgo(60)).name);
        // The drop waited for its lock at most its lock timeout (100 ms), then gave up.
        expect(performance.now() - started).toBeLessThan(5_000);
      } finally {
        await report.rollback();
      }
      expect((await job().runOnce()).dropped.map((week) => week.name)).toContain(partitionFor(daysAgo(60)).name);
      expect(await findWebhookEventById(database.db, old)).toBeUndefined();
    },
  );

  it('stores an event whose clock is weeks off by making its week, and refuses a year no bank clock shows', async () => {
    const skewed = await event('dead', new Date('2031-06-01T00:00:00Z'));
    expect(await findWebhookEventById(database.db, skewed)).toMatchObject({ receivedAt: new Date('2031-06-01T00:00:00Z') });
    await expect(event('dead', new Date('1970-01-02T00:00:00Z'))).rejects.toThrow(/clock is off/);
  });
});
