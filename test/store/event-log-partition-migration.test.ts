import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { listEventLogPartitions, partitionFor } from '../../src/store/event-log-partitions.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrationSource } from '../../src/store/migrations/index.js';
import { insertWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { queuedEvent } from '../helpers/store-fixtures.js';

const lastBeforePartitions = '20261207020000-add-webhook-config-authority';

/** The schema as it was while the event log was one table. */
const sourceBeforePartitions: Knex.MigrationSource<string> = {
  ...migrationSource,
  getMigrations: async (extensions) =>
    (await migrationSource.getMigrations(extensions)).filter((name) => name <= lastBeforePartitions),
};

describe.each(engines)('partitioning the event log by week on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine, { migrated: false });
    await database.db.migrate.latest({ migrationSource: sourceBeforePartitions, tableName: 'knex_migrations' });
  });
  afterAll(() => database?.destroy());

  it('moves every event of every week with its id, attempts, key and queue row, and the id sequence goes on', async () => {
    const times = ['2026-06-03T10:00:00.123Z', '2026-09-15T23:59:59.999Z', '2026-11-30T00:00:00.000Z'].map((at) => new Date(at));
    const finished = await oldEvent(times[0]!, 'dead', 'evt-1');
    await database.db('webhook_event_attempts').insert({
      event_id: finished.id,
      attempt: 1,
      worker: 'old-host',
      started_at: times[0],
      outcome: 'failed',
    });
    const rejected = await oldEvent(times[1]!, 'rejected', null);
    const queued = await oldEvent(times[2]!, 'queued', null);
    await database.db('webhook_event_queue').insert({
      event_id: queued.id,
      due_at: times[2],
      attempts: 0,
      max_attempts: 3,
      source: 'router',
    });
    const ids = [finished.id, rejected.id, queued.id];
    const before = await Promise.all(ids.map(read));

    await migrateToLatest(database.db);

    expect(await Promise.all(ids.map(read))).toEqual(before);
    const weeks = (await listEventLogPartitions(database.db)).map((week) => week.name);
    for (const at of times) expect(weeks).toContain(partitionFor(at).name);
    // The key still holds across the new table, and new events follow the old ids.
    const repeat = await insertWebhookEvent(
      database.db,
      queuedEvent('mono', new Date(), { configId: 7, idempotencyKey: 'evt-1' }),
    );
    expect(repeat).toBeUndefined();
    const next = (await insertWebhookEvent(database.db, queuedEvent('mono', new Date(), { configId: 7 })))!;
    expect(next.id).toBeGreaterThan(queued.id);
    const claimed = await claimOpenedAttempts(database.db, { owner: 'new-host', now: new Date(), leaseMs: 60_000, limit: 10 });
    expect(claimed.map(({ event }) => event.id)).toEqual([queued.id, next.id]);
  });

  /** An event as the one-table log stored it. */
  async function oldEvent(receivedAt: Date, status: string, idempotencyKey: string | null) {
    const { rows } = await database.db.raw<{ rows: { id: string | number }[] }>(
      `INSERT INTO webhook_events (config_id, config_key, method, path, headers, query, raw_body, client_ip, received_at,
         idempotency_key, response_mode, status, attempts, max_attempts, trace)
       VALUES (7, 'mono', 'POST', 'mono', '{}', '{}', '\\x7b7d', '127.0.0.1', ?, ?, 'async', ?, 0, 3, '{}') RETURNING id`,
      [receivedAt, idempotencyKey, status],
    );
    return { id: Number(rows[0]!.id) };
  }

  /** The event's row and its attempts as stored: the store's own reads expect later migrations' columns. */
  async function read(id: number) {
    return {
      event: await database.db('webhook_events').where({ id }).first(),
      attempts: await database.db('webhook_event_attempts').where({ event_id: id }).orderBy('attempt'),
    };
  }
});
