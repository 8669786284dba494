import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStatus } from '../../src/domain/webhook-event.js';
import { createRetentionJob } from '../../src/delivery/retention-job.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';

const now = new Date('2026-12-02T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

describe.each(engines)('event retention on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterAll(() => database?.destroy());

  async function event(status: EventStatus, receivedAt: Date, completedAt: Date | null = receivedAt): Promise<number> {
    const stored = await insertWebhookEvent(database.db, {
      configId: 1,
      configKey: 'mono',
      configVersion: 1,
      source: 'router',
      method: 'POST',
      path: 'mono',
      headers: {},
      query: {},
      rawBody: Buffer.from('{}'),
      clientIp: '127.0.0.1',
      receivedAt,
      idempotencyKey: null,
      responseMode: 'async',
      status,
      attempts: 1,
      maxAttempts: 1,
      availableAt: status === 'queued' ? receivedAt : null,
      leaseOwner: status === 'processing' ? 'w' : null,
      trace: {},
    });
    await database.db('webhook_events').where({ id: stored!.id }).update({ completed_at: completedAt });
    await database.db('webhook_event_attempts').insert({
      event_id: stored!.id,
      attempt: 1,
      worker: 'w',
      started_at: receivedAt,
      outcome: status === 'processing' ? 'running' : 'failed',
    });
    return stored!.id;
  }

  it('purges finished and rejected events older than EVENT_RETENTION_DAYS with their attempts, in batches, never pending ones', async () => {
    const old = await Promise.all(
      (['succeeded', 'failed', 'dead', 'rejected', 'succeeded', 'dead', 'rejected'] as const).map((status) =>
        event(status, daysAgo(31), null),
      ),
    );
    const kept = [
      await event('queued', daysAgo(40), null),
      await event('processing', daysAgo(40), null),
      await event('succeeded', daysAgo(29)),
      // Received long ago but replayed and finished recently: kept until it is old as well.
      await event('dead', daysAgo(45), daysAgo(2)),
    ];
    const job = (batchSize: number) =>
      createRetentionJob({ db: database.db, log: silentLog, clock: () => now, retentionDays: 30, batchSize, maxBatches: 2 });

    // A run stops after maxBatches; two processes purging at once share the rest.
    expect(await job(2).runOnce()).toBe(4);
    const [a, b] = await Promise.all([job(2).runOnce(), job(2).runOnce()]);
    expect(a + b + (await job(2).runOnce())).toBe(old.length - 4);
    expect(await job(2).runOnce()).toBe(0);

    const left = (await database.db('webhook_events').select('id').orderBy('id')).map((row: { id: string | number }) =>
      Number(row.id),
    );
    expect(left).toEqual(kept);
    const attempts = await database.db('webhook_event_attempts').whereIn('event_id', old).count({ n: '*' });
    expect(Number(attempts[0]!.n)).toBe(0);
  });
});
