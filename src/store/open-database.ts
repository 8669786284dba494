import { mkdir } from 'node:fs/promises';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import type { DatabaseConfig } from '../config/config.js';

/** A knex instance or a transaction: every store function takes one and never opens its own. */
export type Db = Knex | Knex.Transaction;

/** Opens the configured database. PGlite runs in-process: one connection, the same SQL as PostgreSQL. */
export async function openDatabase(config: DatabaseConfig, options: { searchPath?: string } = {}): Promise<Knex> {
  switch (config.engine) {
    case 'postgres':
      return knex({
        client: 'pg',
        connection: config.url,
        pool: { min: 0, max: config.poolMax },
        ...(options.searchPath ? { searchPath: [options.searchPath] } : {}),
      });
    case 'pglite': {
      if (config.dataDir) await mkdir(config.dataDir, { recursive: true });
      return knex({
        client: ClientPgLite,
        dialect: 'postgres',
        connection: config.dataDir ? { filename: config.dataDir } : {},
      });
    }
    default:
      return config satisfies never;
  }
}
