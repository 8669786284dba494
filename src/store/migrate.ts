import type { Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

const migrationConfig = { migrationSource, tableName: 'knex_migrations' } satisfies Knex.MigratorConfig;

/** Applies every pending migration; safe to call from several processes at once (knex takes a lock). */
export async function migrateToLatest(db: Knex): Promise<void> {
  await db.migrate.latest(migrationConfig);
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
