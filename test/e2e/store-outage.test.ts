import { randomBytes } from 'node:crypto';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;

/** A TCP hop in front of PostgreSQL that the test can cut and restore, like a network outage. */
function createOutageProxy(targetUrl: string) {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  const listen = () =>
    new Promise<number>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => socket.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve(port);
      });
    });
  return {
    listen,
    async cut() {
      await new Promise<void>((resolve) => {
        server!.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

describe.skipIf(!url)('webhook ingress while PostgreSQL is unreachable', () => {
  const schema = `test_outage_${randomBytes(4).toString('hex')}`;
  // Built only when the suite runs: without TEST_DATABASE_URL there is no address to parse.
  let proxy: ReturnType<typeof createOutageProxy>;
  let db: Knex;
  let service: RunningService;
  beforeAll(async () => {
    proxy = createOutageProxy(url!);
    const admin = await openDatabase({ engine: 'postgres', url: url!, poolMax: 1 });
    await admin.raw(`CREATE SCHEMA ${schema}`);
    await admin.destroy();
    const proxied = new URL(url!);
    proxied.host = `127.0.0.1:${await proxy.listen()}`;
    db = await openDatabase({ engine: 'postgres', url: proxied.toString(), poolMax: 4 }, { searchPath: schema });
    await migrateToLatest(db);
    service = await startTestService(db);
  });
  afterAll(async () => {
    await service?.stop();
    await db?.destroy();
    const admin = await openDatabase({ engine: 'postgres', url: url!, poolMax: 1 });
    await admin.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.destroy();
  });

  it('answers 503 with Retry-After and stores nothing, then recovers by itself', async () => {
    await createConfig(service.baseUrl, {
      key: 'remita-payment',
      path: '/remita/payment',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    expect((await callWebhook(service.baseUrl, 'remita/payment', { body: '{"rrr":"1"}' })).status).toBe(202);

    await proxy.cut();
    const refused = await eventually(async () => {
      const response = await callWebhook(service.baseUrl, 'remita/payment', { body: '{"rrr":"2"}' });
      return response.status === 503 ? response : undefined;
    });
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.json).toMatchObject({ success: false, message: 'Service unavailable' });

    await proxy.listen();
    const accepted = await eventually(async () => {
      const response = await callWebhook(service.baseUrl, 'remita/payment', { body: '{"rrr":"3"}' });
      return response.status === 202 ? response : undefined;
    }, 10_000);
    const eventId = (accepted.json.data as { eventId: number }).eventId;
    await eventually(async () => {
      const row = await db('webhook_events').where({ id: eventId }).first('status');
      return row?.status === 'succeeded' ? true : undefined;
    });
    const bodies = (await db('webhook_events').orderBy('id').select('raw_body')).map((row) => String(row.raw_body));
    expect(bodies).toEqual(['{"rrr":"1"}', '{"rrr":"3"}']);
  });
});
