import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Inbox } from '../../src/delivery/inbox.js';
import type { IncomingWebhook } from '../../src/delivery/incoming-webhook.js';
import { routerSource } from '../../src/delivery/router-source.js';
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
const syncConfig = { ...config, key: 'grouped-sync', path: '/grouped-sync', responseMode: 'sync' };

/** A request as the transport hands it to the inbox, with its body already read. */
function webhook(body: string, idempotencyKey?: string, path = 'grouped'): IncomingWebhook {
  return {
    method: 'POST',
    path,
    query: {},
    headers: { 'content-type': 'application/json', ...(idempotencyKey && { 'idempotency-key': idempotencyKey }) },
    peerAddress: '127.0.0.1',
    mediaType: 'application/json',
    readBody: async () => ({ kind: 'ok', body: Buffer.from(body) }),
  };
}

/** The router's answer for one request: its event's accept outcome, or its refusal. */
async function receive(inbox: Inbox, request: IncomingWebhook) {
  const result = await inbox.receive(routerSource, request);
  return result.kind === 'received' ? result.outcomes[0] : result;
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
    await createConfig(service.baseUrl, syncConfig);
    return service;
  };

  it('answers every other caller of a batch of sync and async accepts that holds rows the database refuses and repeated idempotency keys', async () => {
    const { inbox } = await start();
    const earlier = await receive(inbox, webhook('{"n":"earlier"}', 'earlier'));
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
    const normalSync = Array.from({ length: 4 }, (_, n) => `{"sync":${n}}`);
    const poison = '{"poison":true}';
    const poisonSync = '{"poison":"sync"}';
    const refusal = (call: Promise<unknown>) =>
      call.then(
        () => 'answered',
        (error: { code?: string }) => error.code,
      );
    // Started in one tick: they reach the store within the same batch window.
    const [normalResults, syncResults, poisonResults, dupResults, syncDupResults, earlierAgain] = await Promise.all([
      Promise.all(normal.map((body) => receive(inbox, webhook(body)))),
      Promise.all(normalSync.map((body) => receive(inbox, webhook(body, undefined, 'grouped-sync')))),
      Promise.all([
        refusal(receive(inbox, webhook(poison))),
        refusal(receive(inbox, webhook(poisonSync, undefined, 'grouped-sync'))),
      ]),
      Promise.all([receive(inbox, webhook('{"dup":1}', 'dup')), receive(inbox, webhook('{"dup":2}', 'dup'))]),
      Promise.all([
        receive(inbox, webhook('{"dup":"sync 1"}', 'dup', 'grouped-sync')),
        receive(inbox, webhook('{"dup":"sync 2"}', 'dup', 'grouped-sync')),
      ]),
      receive(inbox, webhook('{"n":"earlier again"}', 'earlier')),
    ]);
    database.db.off('query', noteBatch);

    // Each poison row shared its first statement with others, sync and async, which were then written without it.
    for (const body of [poison, poisonSync]) {
      const base64 = Buffer.from(body).toString('base64');
      expect(
        batches.some((rows) => {
          const modes = new Set((JSON.parse(rows) as { response_mode: string }[]).map((row) => row.response_mode));
          return rows.includes(base64) && modes.has('sync') && modes.has('async');
        }),
      ).toBe(true);
    }
    expect(poisonResults).toEqual(['23514', '23514']);
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

    // Each sync caller ran its own event once, through the attempt its insert opened.
    for (const result of syncResults) expect(result).toMatchObject({ kind: 'succeeded', repeated: false });
    const syncIds = syncResults.map((result) => (result as { eventId: number }).eventId);
    const syncRows = await database.db('webhook_events').whereIn('id', syncIds).select('raw_body', 'status', 'response_mode');
    expect(syncRows.map((row) => Buffer.from(row.raw_body).toString()).sort()).toEqual([...normalSync].sort());
    expect(syncRows.map((row) => [row.status, row.response_mode])).toEqual(syncIds.map(() => ['succeeded', 'sync']));
    const attempts = await database.db('webhook_event_attempts').select('event_id', 'attempt', 'outcome').orderBy('event_id');
    const syncDups = syncDupResults as { kind: string; eventId: number; repeated?: boolean }[];
    expect(new Set(syncDups.map((result) => result.eventId)).size).toBe(1);
    // One caller ran it; the repeat found it running, or already succeeded.
    expect(syncDups.map((result) => `${result.kind} ${result.repeated ?? ''}`).sort()).toEqual(
      expect.arrayContaining(['succeeded false']),
    );
    expect(syncDups.map((result) => `${result.kind} ${result.repeated ?? ''}`)).toContainEqual(
      expect.stringMatching(/^(in_progress |succeeded true)$/),
    );
    expect(attempts.map((row) => [Number(row.event_id), row.attempt, row.outcome])).toEqual(
      [...syncIds, syncDups[0]!.eventId].sort((a, b) => a - b).map((id) => [id, 1, 'succeeded']),
    );

    const [{ n }] = (await database.db('webhook_events').count({ n: '*' })) as [{ n: string | number }];
    expect(Number(n)).toBe(1 + normal.length + 1 + normalSync.length + 1);
  });

  it('answers no caller, sync or async, before its commit: a commit the store fails answers every caller of the batch 503', async () => {
    const { baseUrl } = await start();
    // Runs at commit, after every row was inserted: the store drops the connection there.
    await database.db.raw(`CREATE OR REPLACE FUNCTION test_refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'connection lost at commit' USING ERRCODE = '08006'; END $$`);
    await database.db.raw(`CREATE CONSTRAINT TRIGGER test_refuse_commit AFTER INSERT ON webhook_events
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_refuse_commit()`);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        callWebhook(baseUrl, n % 2 ? 'grouped-sync' : 'grouped', { body: JSON.stringify({ n }) }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array.from({ length: 10 }, () => 503));
    const [{ n }] = (await database.db('webhook_events').count({ n: '*' })) as [{ n: string | number }];
    expect(Number(n)).toBe(0);
    expect(await database.db('webhook_event_attempts').count({ n: '*' })).toEqual([{ n: engine === 'postgres' ? '0' : 0 }]);
  });

  it.skipIf(engine !== 'postgres')(
    'answers each caller, sync or async, only after the commit that holds its event, when commits stall',
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
        const paths = Array.from({ length: 10 }, (_, n) => (n % 2 ? 'grouped-sync' : 'grouped'));
        const calls = paths.map((path, n) =>
          callWebhook(baseUrl, path, { body: JSON.stringify({ n }) }).finally(() => {
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
        expect(responses.map((response) => response.status)).toEqual(paths.map((path) => (path === 'grouped' ? 202 : 200)));
        const ids = responses.map((response) => Number(response.headers.get('x-webhook-event-id')));
        expect(await database.db('webhook_events').whereIn('id', ids).count({ n: '*' })).toEqual([{ n: '10' }]);
        // Each sync event ran once, after its commit, through the attempt its insert opened.
        const attempts = await database.db('webhook_event_attempts').select('event_id', 'outcome');
        expect(attempts.map((row) => [Number(row.event_id), row.outcome]).sort()).toEqual(
          ids
            .filter((_, n) => paths[n] === 'grouped-sync')
            .map((id) => [id, 'succeeded'])
            .sort(),
        );
      } finally {
        await database.db.client.releaseConnection(holder);
      }
    },
  );
});
