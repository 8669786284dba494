import type { Knex } from 'knex';
import { migrationSource } from './migrations/index.js';
import { isUniqueViolation } from './unique-violation.js';

const migrationConfig = { migrationSource, tableName: 'knex_migrations' } satisfies Knex.MigratorConfig;

/**
 * Applies every pending migration. Several processes may start at once: knex's lock lets one
 * migrate and fails the others at once, so they wait for it and try again. On a new database they
 * may also race to create knex's own bookkeeping tables; the loser tries again and finds them.
 */
export async function migrateToLatest(db: Knex, waitMs = 60_000): Promise<void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      await db.migrate.latest(migrationConfig);
      return;
    } catch (error) {
      if (!isMigrationRace(error) || Date.now() > deadline) throw error;
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

/** Another process holds knex's lock, or created the same bookkeeping table (42P07, 42710, 23505) a moment earlier. */
function isMigrationRace(error: unknown): boolean {
  if (error instanceof Error && /Migration table is already locked/.test(error.message)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === '42P07' || code === '42710' || isUniqueViolation(error);
}
