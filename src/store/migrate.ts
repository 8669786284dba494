import type { Knex } from 'knex';
import { migrationSource } from './migrations/index.js';

const migrationConfig = { migrationSource, tableName: 'knex_migrations' } satisfies Knex.MigratorConfig;

/**
 * Applies every pending migration. Several processes may start at once: knex's lock lets one
 * migrate and fails the others at once, so they wait for it and try again.
 */
export async function migrateToLatest(db: Knex, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await db.migrate.latest(migrationConfig);
      return;
    } catch (error) {
      const locked = error instanceof Error && /Migration table is already locked/.test(error.message);
      if (!locked || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
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
