import type { PGlite } from '@electric-sql/pglite';
import type { Knex } from 'knex';
import type pg from 'pg';
import type { Logger } from 'pino';

/** A subscription to a notification channel; `isLive` is false while notifications could be missed. */
export interface ChannelListener {
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
 * Calls `onNotify` on every notification on `channel` (configuration changes: a trigger NOTIFYs on
 * every write; queued events: the accept statement NOTIFYs). On PostgreSQL a dedicated connection
 * LISTENs and reconnects by itself, calling `onNotify` again after each reconnect since notifications
 * may have been missed. A heartbeat probes that connection, so
 * one dropped silently (a NAT or load balancer forgetting it, no FIN, no RST) is noticed within two
 * heartbeats and replaced; on PGlite the embedded instance's own
 * listener is used: every writer is in this process.
 */
export function listenToChannel(
  db: Knex,
  channel: string,
  onNotify: () => void,
  log: Logger,
  options: ListenOptions,
): ChannelListener {
  const pglite = (db.client as { pglite?: PGlite }).pglite;
  const channelLog = log.child({ channel });
  return pglite
    ? listenOnPglite(pglite, channel, onNotify, channelLog)
    : listenOnPostgres(db, channel, onNotify, channelLog, options);
}

function listenOnPglite(pglite: PGlite, channel: string, onChange: () => void, log: Logger): ChannelListener {
  let live = false;
  const unsubscribe = pglite
    .listen(channel, () => onChange())
    .then((stop) => {
      live = true;
      onChange();
      return stop;
    })
    .catch((error: unknown) => {
      log.error({ err: error }, 'cannot listen for notifications');
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

function listenOnPostgres(db: Knex, channel: string, onChange: () => void, log: Logger, options: ListenOptions): ChannelListener {
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
      log.warn({ err: error }, 'listener heartbeat failed; reconnecting');
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
      next.on('error', (error) => log.warn({ err: error }, 'listener lost its connection'));
      next.on('end', retry);
      await next.query(`LISTEN ${channel}`);
      connection = next;
      live = true;
      heartbeat = setInterval(() => void probe(next), options.heartbeatMs);
      heartbeat.unref();
      onChange();
    } catch (error) {
      log.warn({ err: error }, 'listener cannot connect; retrying');
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
