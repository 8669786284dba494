import type { Knex } from 'knex';
import type { DatabaseConfig } from '../config/config.js';
import { migrationSource } from './migrations/index.js';
import { openDatabase } from './open-database.js';

const migrationConfig = { migrationSource, tableName: 'knex_migrations' } satisfies Knex.MigratorConfig;

/** Any fixed number: the PostgreSQL advisory lock that every bpm-webhooks process migrates under. */
const migrationLockKey = 0x62706d77;

/**
 * Applies every pending migration. Several processes may start on one PostgreSQL at once, and
 * knex's own lock cannot guard the creation of its bookkeeping tables (two racing processes can
 * leave two rows in knex_migrations_lock, and then every later start finds it "already locked").
 * So each process first takes a transaction-scoped advisory lock on a connection of its own and
 * migrates while holding it: the others wait, then find nothing left to do. PGlite has a single
 * process and a single connection, so it migrates directly.
 */
export async function migrateToLatest(db: Knex): Promise<void> {
  if (db.client.config.client !== 'pg') {
    await db.migrate.latest(migrationConfig);
    return;
  }
  await db.transaction(async (lockHolder) => {
    await lockHolder.raw('select pg_advisory_xact_lock(?)', [migrationLockKey]);
    await db.migrate.latest(migrationConfig);
  });
}

/**
 * Migrates the configured database. On PostgreSQL this uses connections of its own with the longer
 * migration timeout (service connections would cut a long migration at DATABASE_STATEMENT_TIMEOUT_MS);
 * PGlite has one connection, `db`, which has no statement timeout.
 */
export async function migrateConfiguredDatabase(config: DatabaseConfig, db: Knex): Promise<void> {
  if (config.engine !== 'postgres') return migrateToLatest(db);
  const migrator = await openDatabase({ ...config, poolMax: 2 }, { forMigrations: true });
  try {
    await migrateToLatest(migrator);
  } finally {
    await migrator.destroy();
  }
}

/**
 * Opens the configured database with every migration applied. PGlite with a data folder migrates in
 * an instance of its own, closed before the serving one opens: its WebAssembly memory grows for
 * initdb and the migrations (to about 380 MB on a new folder) and never shrinks, so a serving
 * instance that migrated would keep that peak for its whole life (BENCHMARKS.md, "Idle memory").
 * A start with nothing to migrate opens PGlite once.
 */
export async function openMigratedDatabase(config: DatabaseConfig): Promise<Knex> {
  const db = await openDatabase(config);
  if (config.engine !== 'pglite' || !config.dataDir) {
    await migrateConfiguredDatabase(config, db);
    return db;
  }
  if (await isDatabaseReady(db)) return db;
  await db.destroy();
  const migrator = await openDatabase(config, { forMigrations: true });
  try {
    await migrateToLatest(migrator);
  } finally {
    await migrator.destroy();
  }
  return openDatabase(config);
}

/** True when the database answers and has every migration applied: the readiness check. */
export async function isDatabaseReady(db: Knex): Promise<boolean> {
  try {
    const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], unknown[]];
    return pending.length === 0;
  } catch {
    return false;
  }
}
