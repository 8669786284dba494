import type { Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

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

/** True when the database answers and has every migration applied: the readiness check. */
export async function isDatabaseReady(db: Knex): Promise<boolean> {
  try {
    const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], unknown[]];
    return pending.length === 0;
  } catch {
    return false;
  }
}
