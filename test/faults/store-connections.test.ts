import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;

/**
 * A TCP hop in front of PostgreSQL that can silently stop forwarding on the connections that ran
 * LISTEN, and on those only: what a NAT or load balancer does when it forgets an idle flow (no FIN,
 * no RST, the packets just go nowhere).
 */
async function startListenDroppingProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const listeners: { dropped: boolean }[] = [];
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const flow = { dropped: false, listening: false };
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (!flow.listening && chunk.includes('LISTEN ')) {
        flow.listening = true;
        listeners.push(flow);
      }
      if (!flow.dropped) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!flow.dropped) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(target);
  proxied.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: proxied.toString(),
    /** LISTEN connections opened through the proxy so far. */
    listenCount: () => listeners.length,
    dropListeners() {
      for (const flow of listeners) flow.dropped = true;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

const activeStatus = async (baseUrl: string) => (await callWebhook(baseUrl, 'mono/callback', { body: '{}' })).status;

describe.skipIf(!url)('store connections', () => {
  const schema = `test_store_conn_${randomBytes(4).toString('hex')}`;
  let proxy: Awaited<ReturnType<typeof startListenDroppingProxy>>;
  let direct: Knex;
  let proxied: Knex;
  let writer: RunningService;
  beforeAll(async () => {
    const admin = await openDatabase({ engine: 'postgres', url: url!, poolMax: 1 });
    await admin.raw(`CREATE SCHEMA ${schema}`);
    await admin.destroy();
    proxy = await startListenDroppingProxy(new URL(url!));
    direct = await openDatabase({ engine: 'postgres', url: url!, poolMax: 4 }, { searchPath: schema });
    await migrateToLatest(direct);
    proxied = await openDatabase({ engine: 'postgres', url: proxy.url, poolMax: 4 }, { searchPath: schema });
    // The other process: every configuration change below is made through it.
    writer = await startTestService(direct, { startWorker: false });
  });
  afterAll(async () => {
    await writer?.stop();
    await proxied?.destroy();
    await direct?.raw(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await direct?.destroy();
    await proxy?.close();
  });

  /** A webhook config created through the writer, seen as active by `reader`; returns its id. */
  async function activeConfigSeenBy(reader: RunningService): Promise<number> {
    const existing = await command(writer.baseUrl, 'LookupWebHookByKeyCommand', { key: 'mono-callback' });
    if (existing.success)
      await command(writer.baseUrl, 'DeleteWebHookConfigCommand', { id: (existing.data as { id: number }).id });
    const created = await createConfig(writer.baseUrl, {
      key: 'mono-callback',
      path: '/mono/callback',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    await eventually(async () => ((await activeStatus(reader.baseUrl)) === 202 ? true : undefined), 20_000);
    return created.id;
  }

  it('applies a deactivation within CONFIG_MAX_STALENESS_MS when its notification is lost on a silently dropped LISTEN connection', async () => {
    const reader = await startTestService(proxied, {
      startWorker: false,
      // No heartbeat in this test's time: only the staleness bound can bring the change.
      configCache: { maxStalenessMs: 1_000, listenHeartbeatMs: 600_000 },
    });
    try {
      const id = await activeConfigSeenBy(reader);
      await eventually(async () => (proxy.listenCount() > 0 ? true : undefined), 20_000);
      proxy.dropListeners();
      expect((await command(writer.baseUrl, 'DeactivateWebHookConfigCommand', { id })).success).toBe(true);
      expect(await eventually(async () => ((await activeStatus(reader.baseUrl)) === 404 ? 404 : undefined), 15_000)).toBe(404);
    } finally {
      await reader.stop();
    }
  }, 60_000);

  it('notices a silently dropped LISTEN connection by its heartbeat and listens again on a new one', async () => {
    const reader = await startTestService(proxied, {
      startWorker: false,
      // A bound far beyond the test: the change below can only come by NOTIFY on the new connection.
      configCache: { maxStalenessMs: 3_600_000, listenHeartbeatMs: 300 },
    });
    try {
      const id = await activeConfigSeenBy(reader);
      const before = proxy.listenCount();
      proxy.dropListeners();
      await eventually(async () => (proxy.listenCount() > before ? true : undefined), 20_000);
      // Let the new listener's own reload finish first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await command(writer.baseUrl, 'DeactivateWebHookConfigCommand', { id })).success).toBe(true);
      expect(await eventually(async () => ((await activeStatus(reader.baseUrl)) === 404 ? 404 : undefined), 15_000)).toBe(404);
    } finally {
      await reader.stop();
    }
  }, 60_000);

  it('opens every pool connection with statement_timeout, idle_in_transaction_session_timeout and TCP keepalive', async () => {
    const connection = {
      statementTimeoutMs: 1_500,
      idleInTransactionTimeoutMs: 2_500,
      migrationStatementTimeoutMs: 90_000,
      keepAliveMs: 1_000,
    };
    const db = await openDatabase({ engine: 'postgres', url: url!, poolMax: 3, connection });
    const migrator = await openDatabase({ engine: 'postgres', url: url!, poolMax: 1, connection }, { forMigrations: true });
    try {
      const show = async (knex: Knex, name: string) => ((await knex.raw(`SHOW ${name}`)).rows[0] as Record<string, string>)[name];
      // Three connections at once: each one has the settings, not only the first.
      const shown = await Promise.all(
        [1, 2, 3].map(() =>
          db.transaction(async (tx) => [
            await show(tx, 'statement_timeout'),
            await show(tx, 'idle_in_transaction_session_timeout'),
          ]),
        ),
      );
      expect(shown).toEqual([
        ['1500ms', '2500ms'],
        ['1500ms', '2500ms'],
        ['1500ms', '2500ms'],
      ]);
      expect([await show(migrator, 'statement_timeout'), await show(migrator, 'idle_in_transaction_session_timeout')]).toEqual([
        '90s',
        '90s',
      ]);
      await expect(db.raw('SELECT pg_sleep(5)')).rejects.toMatchObject({ code: '57014' });

      // Linux lists a keepalive timer ("02") on an idle socket that has SO_KEEPALIVE.
      if (existsSync('/proc/net/tcp')) {
        const raw = await (db.client as { acquireConnection(): Promise<pg.Client> }).acquireConnection();
        try {
          const localPort = (raw as unknown as { connection: { stream: net.Socket } }).connection.stream.localPort!;
          const portHex = localPort.toString(16).toUpperCase().padStart(4, '0');
          const timer = await eventually(async () => {
            const tables = ['/proc/net/tcp', '/proc/net/tcp6'].filter(existsSync).map((file) => readFileSync(file, 'utf8'));
            const line = tables
              .join('\n')
              .split('\n')
              .find((row) => row.trim().split(/\s+/)[1]?.endsWith(`:${portHex}`));
            const active = line?.trim().split(/\s+/)[5]?.split(':')[0];
            return active === '02' ? active : undefined;
          }, 10_000);
          expect(timer).toBe('02');
        } finally {
          await (db.client as { releaseConnection(connection: unknown): Promise<void> }).releaseConnection(raw);
        }
      }
    } finally {
      await db.destroy();
      await migrator.destroy();
    }
  }, 60_000);
});
