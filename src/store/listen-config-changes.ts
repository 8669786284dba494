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

/** Options of the PostgreSQL listener. */
export interface ListenOptions {
  /** How often the LISTEN connection is probed; a probe unanswered for this long drops and reopens it. */
  readonly heartbeatMs: number;
}

/**
 * Calls `onChange` whenever the configurations change (a trigger NOTIFYs on every write). On
 * PostgreSQL a dedicated connection LISTENs and reconnects by itself, calling `onChange` again after
 * each reconnect since notifications may have been missed. A heartbeat probes that connection, so
 * one dropped silently (a NAT or load balancer forgetting it, no FIN, no RST) is noticed within two
 * heartbeats and replaced; on PGlite the embedded instance's own
 * listener is used: every writer is in this process.
 */
export function listenForConfigChanges(
  db: Knex,
  onChange: () => void,
  log: Logger,
  options: ListenOptions,
): ConfigChangeListener {
  const pglite = (db.client as { pglite?: PGlite }).pglite;
  return pglite ? listenOnPglite(pglite, onChange, log) : listenOnPostgres(db, onChange, log, options);
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

function listenOnPostgres(db: Knex, onChange: () => void, log: Logger, options: ListenOptions): ConfigChangeListener {
  const client = db.client as { acquireRawConnection(): Promise<pg.Client> };
  let connection: pg.Client | undefined;
  let live = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;

  const retry = () => {
    live = false;
    connection = undefined;
    clearInterval(heartbeat);
    if (!closed) timer = setTimeout(() => void connect(), reconnectMs);
  };
  const probe = async (probed: pg.Client) => {
    let timeout: NodeJS.Timeout | undefined;
    const unanswered = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error(`no answer in ${options.heartbeatMs} ms`)), options.heartbeatMs);
    });
    try {
      await Promise.race([probed.query('SELECT 1'), unanswered]);
    } catch (error) {
      if (closed || connection !== probed) return;
      log.warn({ err: error }, 'configuration listener heartbeat failed; reconnecting');
      // end() would wait for the dead peer: drop the socket, and 'end' brings the retry.
      (probed as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    } finally {
      clearTimeout(timeout);
    }
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
      heartbeat = setInterval(() => void probe(next), options.heartbeatMs);
      heartbeat.unref();
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
      clearInterval(heartbeat);
      await connection?.end().catch(() => {});
    },
  };
}
