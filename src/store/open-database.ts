import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { DatabaseConfig, PostgresConnectionSettings } from '../config/config.js';
import { lockDataDir } from './data-dir-lock.js';

/** A knex instance or a transaction: every store function takes one and never opens its own. */
export type Db = Knex | Knex.Transaction;

/** What each PostgreSQL connection gets when the config names nothing (README's defaults). */
export const defaultConnectionSettings: PostgresConnectionSettings = Object.freeze({
  statementTimeoutMs: 30_000,
  idleInTransactionTimeoutMs: 60_000,
  migrationStatementTimeoutMs: 600_000,
  keepAliveMs: 10_000,
});

/**
 * The embedded server's memory: PostgreSQL's default 128 MB of shared buffers would sit in PGlite's
 * WebAssembly memory, which never shrinks (BENCHMARKS.md, "Idle memory"); its files are in the
 * operating system's page cache anyway.
 */
const embeddedServerSettings = ['-c', 'shared_buffers=16MB'];

/** Options of one opening; `forMigrations` trades the statement timeouts for the migration one. */
export interface OpenDatabaseOptions {
  readonly searchPath?: string;
  readonly forMigrations?: boolean;
}

/**
 * Opens the configured database. PostgreSQL connections get TCP keepalive and server-side
 * `statement_timeout` and `idle_in_transaction_session_timeout`, so neither a dead peer nor a stuck
 * statement holds a pool connection forever. PGlite runs in-process (one connection, the same SQL as
 * PostgreSQL) and takes DATA_DIR for this process alone until `destroy()` or exit.
 */
export async function openDatabase(config: DatabaseConfig, options: OpenDatabaseOptions = {}): Promise<Knex> {
  switch (config.engine) {
    case 'postgres': {
      const settings = config.connection ?? defaultConnectionSettings;
      const statementTimeout = options.forMigrations ? settings.migrationStatementTimeoutMs : settings.statementTimeoutMs;
      // The migration lock holder idles in its transaction while the migrations run on another connection.
      const idleTimeout = options.forMigrations ? settings.migrationStatementTimeoutMs : settings.idleInTransactionTimeoutMs;
      return knex({
        client: 'pg',
        connection: {
          connectionString: config.url,
          statement_timeout: statementTimeout,
          idle_in_transaction_session_timeout: idleTimeout,
          keepAlive: settings.keepAliveMs > 0,
          keepAliveInitialDelayMillis: settings.keepAliveMs,
        },
        pool: { min: 0, max: config.poolMax },
        ...(options.searchPath ? { searchPath: [options.searchPath] } : {}),
      });
    }
    case 'pglite': {
      if (!config.dataDir) return knex({ client: ClientPgLite, dialect: 'postgres', connection: {} });
      await mkdir(config.dataDir, { recursive: true });
      const lock = lockDataDir(config.dataDir);
      const pglite = new PGlite(config.dataDir, { startParams: [...PGlite.defaultStartParams, ...embeddedServerSettings] });
      const db = knex({ client: ClientPgLite, dialect: 'postgres', connection: { pglite } as object });
      // knex's own destroy() is read-only; it ends in the client's, which closes PGlite.
      const client = db.client as { destroy(callback?: (error?: unknown) => void): Promise<void> };
      const destroy = client.destroy.bind(client);
      client.destroy = async (callback) => {
        try {
          return await destroy(callback);
        } finally {
          lock.release();
        }
      };
      return db;
    }
    default:
      return config satisfies never;
  }
}
