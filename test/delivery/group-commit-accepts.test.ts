import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingWebhook } from '../../src/delivery/inbox.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

const config = {
  key: 'grouped',
  path: '/grouped',
  action: 'POST',
  executionType: 0,
  commandName: 'EchoCommand',
  responseMode: 'async',
  idempotencyKey: 'header:idempotency-key',
};

/** A request as the transport hands it to the inbox, with its body already read. */
function webhook(body: string, idempotencyKey?: string): IncomingWebhook {
  return {
    method: 'POST',
    path: 'grouped',
    query: {},
    headers: { 'content-type': 'application/json', ...(idempotencyKey && { 'idempotency-key': idempotencyKey }) },
    peerAddress: '127.0.0.1',
    mediaType: 'application/json',
    readBody: async () => ({ kind: 'ok', body: Buffer.from(body) }),
  };
}

describe.each(engines)('group commit of accepted webhooks on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService | undefined;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await database.db.raw('ALTER TABLE webhook_events DROP CONSTRAINT IF EXISTS test_refuses_poison');
    await database.db.raw('DROP TRIGGER IF EXISTS test_refuse_commit ON webhook_events');
    await database.truncate();
  });
  afterAll(() => database?.destroy());

  const start = async () => {
    service = await startTestService(database.db, { startWorker: false });
    await createConfig(service.baseUrl, config);
    return service;
  };

  it('answers every other caller of a batch that holds one row the database refuses and repeated idempotency keys', async () => {
    const { inbox } = await start();
    const earlier = await inbox.receive(webhook('{"n":"earlier"}', 'earlier'));
    expect(earlier).toMatchObject({ kind: 'accepted', repeated: false });
    // A value the database refuses: any body that contains "poison".
    await database.db.raw(
      `ALTER TABLE webhook_events ADD CONSTRAINT test_refuses_poison CHECK (position(convert_to('poison', 'UTF8') in raw_body) = 0)`,
    );
    const batches: string[] = [];
    const noteBatch = (query: { sql: string; bindings?: unknown[] }) => {
      if (query.sql.includes('INSERT INTO webhook_events') && query.sql.includes('jsonb_to_recordset')) {
        batches.push(String(query.bindings?.[0]));
      }
    };
    database.db.on('query', noteBatch);
    const normal = Array.from({ length: 8 }, (_, n) => `{"n":${n}}`);
    const poison = '{"poison":true}';
    // Started in one tick: they reach the store within the same batch window.
    const [normalResults, poisonResult, dupResults, earlierAgain] = await Promise.all([
      Promise.all(normal.map((body) => inbox.receive(webhook(body)))),
      inbox.receive(webhook(poison)).then(
        () => 'answered',
        (error: { code?: string }) => error.code,
      ),
      Promise.all([inbox.receive(webhook('{"dup":1}', 'dup')), inbox.receive(webhook('{"dup":2}', 'dup'))]),
      inbox.receive(webhook('{"n":"earlier again"}', 'earlier')),
    ]);
    database.db.off('query', noteBatch);

    // The poison row shared its first statement with others, which were then written without it.
    const poisonBase64 = Buffer.from(poison).toString('base64');
    expect(batches.some((rows) => rows.includes(poisonBase64) && (JSON.parse(rows) as unknown[]).length > 1)).toBe(true);
    expect(poisonResult).toBe('23514');
    for (const result of normalResults) expect(result).toMatchObject({ kind: 'accepted', repeated: false });
    const ids = normalResults.map((result) => (result as { eventId: number }).eventId);
    const rows = await database.db('webhook_events').whereIn('id', ids).orderBy('id').select('id', 'raw_body', 'status');
    expect(rows.map((row) => Buffer.from(row.raw_body).toString()).sort()).toEqual([...normal].sort());
    expect(new Set(rows.map((row) => row.status))).toEqual(new Set(['queued']));

    const [first, second] = dupResults as [
      { kind: string; eventId: number; repeated: boolean },
      { kind: string; eventId: number; repeated: boolean },
    ];
    expect([first.kind, second.kind]).toEqual(['accepted', 'accepted']);
    expect(first.eventId).toBe(second.eventId);
    expect([first.repeated, second.repeated].sort()).toEqual([false, true]);
    expect(earlierAgain).toEqual({ kind: 'accepted', eventId: (earlier as { eventId: number }).eventId, repeated: true });
    const [{ n }] = (await database.db('webhook_events').count({ n: '*' })) as [{ n: string | number }];
    expect(Number(n)).toBe(1 + normal.length + 1);
  });

  it('answers no caller before its commit: a commit the store fails answers every caller of the batch 503', async () => {
    const { baseUrl } = await start();
    // Runs at commit, after every row was inserted: the store drops the connection there.
    await database.db.raw(`CREATE OR REPLACE FUNCTION test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'connection lost at commit' USING ERRCODE = '08006'; END $$`);
    await database.db.raw(`CREATE CONSTRAINT TRIGGER test_refuse_commit AFTER INSERT ON webhook_events
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_commit()`);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, n) => callWebhook(baseUrl, 'grouped', { body: JSON.stringify({ n }) })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 503));
    const [{ n }] = (await database.db('webhook_events').count({ n: '*' })) as [{ n: string | number }];
    expect(Number(n)).toBe(0);
  });

  it.skipIf(engine !== 'postgres')(
    'answers each caller only after the commit that holds its event, when commits stall',
    async () => {
      const { baseUrl } = await start();
      // Each commit waits for an advisory lock that the test holds on a connection of its own.
      await database.db.raw(`CREATE OR REPLACE FUNCTION test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_advisory_xact_lock_shared(4242); RETURN NULL; END $$`);
      await database.db.raw(`CREATE CONSTRAINT TRIGGER test_refuse_commit AFTER INSERT ON webhook_events
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_commit()`);
      const holder = await database.db.client.acquireConnection();
      try {
        await database.db.raw('SELECT pg_advisory_lock(4242)').connection(holder);
        let answered = 0;
        const calls = Array.from({ length: 10 }, (_, n) =>
          callWebhook(baseUrl, 'grouped', { body: JSON.stringify({ n }) }).finally(() => {
            answered += 1;
          }),
        );
        // Every event has reached a commit that now waits on the lock.
        await eventually(async () => {
          const { rows } = await database.db.raw<{ rows: { n: string }[] }>(
            `SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND NOT granted`,
          );
          return Number(rows[0]!.n) > 0 && answered === 0 ? true : undefined;
        }, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(answered).toBe(0);
        const [{ n: visible }] = (await database.db('webhook_events').count({ n: '*' })) as [{ n: string }];
        expect(Number(visible)).toBe(0);

        await database.db.raw('SELECT pg_advisory_unlock(4242)').connection(holder);
        const responses = await Promise.all(calls);
        expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 202));
        const ids = responses.map((response) => (response.json.data as { eventId: number }).eventId);
        expect(await database.db('webhook_events').whereIn('id', ids).count({ n: '*' })).toEqual([{ n: '10' }]);
      } finally {
        await database.db.client.releaseConnection(holder);
      }
    },
  );
});
