import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOpenedAttempts } from '../../src/store/claim-opened-attempts.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { migrationSource } from '../../src/store/migrations/index.js';
import { listEventAttempts } from '../../src/store/webhook-event-attempts.js';
import { findWebhookEventById, toWebhookEvent } from '../../src/store/webhook-events.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';

const now = new Date('2026-11-28T12:00:00.000Z');
const lastBeforeQueue = '20261202110000-add-process-calls';

/** The schema as it was before the queue left the event log. */
const sourceBeforeQueue: Knex.MigrationSource<string> = {
  ...migrationSource,
  getMigrations: async (extensions) =>
    (await migrationSource.getMigrations(extensions)).filter((name) => name <= lastBeforeQueue),
};

describe.each(engines)('moving the queue out of the event log on %s', (engine) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(engine, { migrated: false });
    await database.db.migrate.latest({ migrationSource: sourceBeforeQueue, tableName: 'knex_migrations' });
  });
  afterAll(() => database?.destroy());

  /** An event in the old shape, its state in the log row; with a running first attempt when leased. */
  const oldEvent = async (status: string, fields: { availableAt?: string | null; leaseOwner?: string; attempts?: number }) => {
    const { rows } = await database.db.raw<{ rows: { id: string | number }[] }>(
      `INSERT INTO webhook_events (config_key, method, path, headers, query, raw_body, client_ip, received_at, response_mode,
         status, attempts, max_attempts, available_at, lease_owner, trace)
       VALUES ('k', 'POST', 'k', '{}', '{}', '\\x7b7d', '127.0.0.1', ?, 'async', ?, ?, 3, ?, ?, '{}') RETURNING id`,
      [now, status, fields.attempts ?? 0, fields.availableAt ?? null, fields.leaseOwner ?? null],
    );
    const id = Number(rows[0]!.id);
    if (fields.attempts)
      await database.db('webhook_event_attempts').insert({
        event_id: id,
        attempt: fields.attempts,
        worker: fields.leaseOwner ?? 'old-host',
        started_at: now,
        outcome: status === 'processing' ? 'running' : 'failed',
      });
    return id;
  };

  it('keeps queued and running events with their attempts, and the claim takes them from the new queue', async () => {
    const retrying = await oldEvent('queued', { availableAt: '2026-11-28T11:59:00Z', attempts: 1 });
    const fresh = await oldEvent('queued', { availableAt: '2026-11-28T12:00:00Z' });
    const running = await oldEvent('processing', { availableAt: '2099-01-01T00:00:00Z', leaseOwner: 'old-host', attempts: 1 });
    const dead = await oldEvent('dead', { attempts: 1 });
    const before = {
      retrying: await read(retrying),
      fresh: await read(fresh),
      running: await read(running),
      dead: await read(dead),
    };

    await migrateToLatest(database.db);

    const after = {
      retrying: await read(retrying),
      fresh: await read(fresh),
      running: await read(running),
      dead: await read(dead),
    };
    expect(after).toEqual(before);
    expect(before.running.event).toMatchObject({ status: 'processing', leaseOwner: 'old-host', attempts: 1 });
    const claimed = await claimOpenedAttempts(database.db, { owner: 'new-host', now, leaseMs: 60_000, limit: 10 });
    expect(claimed.map(({ event }) => [event.id, event.attempts])).toEqual([
      [retrying, 2],
      [fresh, 1],
    ]);
    expect(await listEventAttempts(database.db, retrying)).toMatchObject([{ attempt: 1 }, { attempt: 2, worker: 'new-host' }]);
  });

  /** An event as the API answers it, and its attempts. */
  async function read(id: number) {
    return { event: await readEvent(id), attempts: await listEventAttempts(database.db, id) };
  }

  /** Before the migration, the log row is the whole event; after it, the store's own read. */
  async function readEvent(id: number) {
    const migrated = (await database.db.schema.hasTable('webhook_event_queue')) as boolean;
    if (migrated) return findWebhookEventById(database.db, id);
    return toWebhookEvent(await database.db('webhook_events').where({ id }).first());
  }
});
