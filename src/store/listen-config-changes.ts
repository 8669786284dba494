import type { PGlite } from '@electric-sql/pglite';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from 'pino';
import { configChangesChannel } from './migrations/20261128020000-create-webhook-events.js';

/** A subscription to configuration changes; `isLive` is false while changes could be missed. */
export interface ConfigChangeListener {
  isLive(): boolean;
  close(): Promise<void>;
}

const reconnectMs = 1_000;

/**
 * Calls `onChange` whenever the configurations change (a trigger NOTIFYs on every write). On
 * PostgreSQL a dedicated connection LISTENs and reconnects by itself, calling `onChange` again after
 * each reconnect since notifications may have been missed; on PGlite the embedded instance's own
 * listener is used: every writer is in this process.
 */
export function listenForConfigChanges(db: Knex, onChange: () => void, log: Logger): ConfigChangeListener {
  const pglite = (db.client as { pglite?: PGlite }).pglite;
  return pglite ? listenOnPglite(pglite, onChange, log) : listenOnPostgres(db, onChange, log);
}

function listenOnPglite(pglite: PGlite, onChange: () => void, log: Logger): ConfigChangeListener {
  let live = false;
  const unsubscribe = pglite
    .listen(configChangesChannel, () => onChange())
    .then((stop) => {
      live = true;
      onChange();
      return stop;
    })
    .catch((error: unknown) => {
      log.error({ err: error }, 'cannot listen for configuration changes');
      return async () => {};
    });
  return {
    isLive: () => live,
    async close() {
      live = false;
      await (await unsubscribe)();
    },
  };
}

function listenOnPostgres(db: Knex, onChange: () => void, log: Logger): ConfigChangeListener {
  const client = db.client as { acquireRawConnection(): Promise<pg.Client> };
  let connection: pg.Client | undefined;
  let live = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  const retry = () => {
    live = false;
    connection = undefined;
    if (!closed) timer = setTimeout(() => void connect(), reconnectMs);
  };
  const connect = async () => {
    try {
      const next = await client.acquireRawConnection();
      if (closed) return void (await next.end());
      next.on('notification', () => onChange());
      next.on('error', (error) => log.warn({ err: error }, 'configuration listener lost its connection'));
      next.on('end', retry);
      await next.query(`LISTEN ${configChangesChannel}`);
      connection = next;
      live = true;
      onChange();
    } catch (error) {
      log.warn({ err: error }, 'configuration listener cannot connect; retrying');
      retry();
    }
  };
  void connect();
  return {
    isLive: () => live,
    async close() {
      closed = true;
      live = false;
      clearTimeout(timer);
      await connection?.end().catch(() => {});
    },
  };
}
