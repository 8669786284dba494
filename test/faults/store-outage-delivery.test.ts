import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';
import { startStallingProxy } from '../helpers/stalling-proxy.js';
import { createBlockingCommand, createCountingCommand } from '../helpers/test-commands.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const leaseMs = 4_000;

/** The service's pool goes through a proxy and carries a name of its own, so the test can cut or kill exactly its connections. */
describe.skipIf(!url)('delivery through PostgreSQL faults', () => {
  const schema = `test_faults_${randomBytes(4).toString('hex')}`;
  const appName = `delivery-faults-${randomBytes(4).toString('hex')}`;
  let proxy: Awaited<ReturnType<typeof startStallingProxy>>;
  let admin: Knex;
  let db: Knex;
  let service: RunningService;
  const blocking = createBlockingCommand();
  const counting = createCountingCommand();
  beforeAll(async () => {
    admin = await openDatabase({ engine: 'postgres', url: url!, poolMax: 1 });
    await admin.raw(`CREATE SCHEMA ${schema}`);
    proxy = await startStallingProxy(new URL(url!));
    const proxied = new URL(url!);
    proxied.host = `127.0.0.1:${proxy.port}`;
    proxied.searchParams.set('application_name', appName);
    db = await openDatabase({ engine: 'postgres', url: proxied.toString(), poolMax: 6 }, { searchPath: schema });
    await migrateToLatest(db);
    service = await startTestService(db, {
      extraCommands: [blocking.command, counting.command],
      delivery: { leaseMs, workerPollMs: 50 },
    });
  });
  afterAll(async () => {
    proxy?.recover();
    await service?.stop();
    await db?.destroy();
    await proxy?.close();
    await admin?.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin?.destroy();
  });

  it('answers 503 with the event id when the outcome cannot be stored, then the idempotency key answers it, run once', async () => {
    await createConfig(service.baseUrl, {
      key: 'settle',
      path: '/settle',
      action: 'POST',
      executionType: 0,
      commandName: 'BlockingTestCommand',
    });
    const call = () => callWebhook(service.baseUrl, 'settle', { body: '{"n":1}', headers: { 'idempotency-key': 'settle-1' } });
    const first = call();
    await blocking.started;
    proxy.stall();
    blocking.release();
    const unsettled = await first;
    expect(unsettled.status).toBe(503);
    expect(unsettled.headers.get('retry-after')).toBeTruthy();
    const eventId = unsettled.headers.get('x-webhook-event-id');
    expect(eventId).toMatch(/^\d+$/);
    expect(unsettled.text).not.toContain('not stored');

    proxy.recover();
    const repeat = await eventually(async () => {
      const response = await call();
      return response.status === 200 ? response : undefined;
    }, 10_000);
    expect(repeat.headers.get('x-webhook-event-id')).toBe(eventId);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    const row = await admin
      .withSchema(schema)
      .table('webhook_events')
      .where({ id: Number(eventId) })
      .first();
    expect(row).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('loses nothing and runs nothing twice while every connection is terminated mid-load', async () => {
    await createConfig(service.baseUrl, {
      key: 'load-sync',
      path: '/load/sync',
      action: 'POST',
      executionType: 0,
      commandName: 'CountingTestCommand',
    });
    await createConfig(service.baseUrl, {
      key: 'load-async',
      path: '/load/async',
      action: 'POST',
      executionType: 0,
      commandName: 'CountingTestCommand',
      responseMode: 'async',
    });
    const terminate = () =>
      admin.raw(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ? AND pid <> pg_backend_pid()`, [
        appName,
      ]);
    const requests = Array.from({ length: 40 }, (_, n) =>
      callWebhook(service.baseUrl, n % 2 ? 'load/sync' : 'load/async', { body: `{"n":${n}}` }),
    );
    for (let round = 0; round < 4; round++) {
      await terminate();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const responses = await Promise.all(requests);
    await terminate();
    // After the outage webhooks are accepted again (retried while the pool replaces its dead
    // connections), so the checks below never depend on how many of the first ones slipped through.
    const afterwards = [];
    for (let n = 0; n < 10; n++) {
      let response = await callWebhook(service.baseUrl, n % 2 ? 'load/sync' : 'load/async', { body: `{"after":${n}}` });
      for (let retry = 0; retry < 50 && response.status === 503; retry++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        response = await callWebhook(service.baseUrl, n % 2 ? 'load/sync' : 'load/async', { body: `{"after":${n}}` });
      }
      afterwards.push(response);
    }
    for (const response of afterwards) expect([200, 202]).toContain(response.status);
    responses.push(...afterwards);

    const accepted = responses
      .filter((r) => r.status >= 200 && r.status < 300)
      .map((r) => Number(r.headers.get('x-webhook-event-id')));
    expect(accepted.length).toBeGreaterThan(0);
    for (const response of responses) expect([200, 202, 503]).toContain(response.status);
    const final = await eventually(async () => {
      const rows = await admin.withSchema(schema).table('webhook_events').whereIn('id', accepted).select('id', 'status');
      return rows.length === accepted.length && rows.every((row) => row.status === 'succeeded') ? rows : undefined;
    }, 10_000);
    expect(final).toHaveLength(accepted.length);
    expect([...counting.runs.values()].filter((runs) => runs > 1)).toEqual([]);
  });
});
