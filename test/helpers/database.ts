import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';

export type EngineName = 'pglite' | 'postgres';

/** The engines every store test runs on: PGlite always, PostgreSQL when TEST_DATABASE_URL is set (CI sets it). */
export const engines: EngineName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export interface TestDatabase {
  readonly engine: EngineName;
  readonly db: Knex;
  /** Empties every table, keeping the schema: isolation between tests of one file. */
  truncate(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A migrated database of its own: a new PGlite (from the run's seed), or a new schema on the
 * PostgreSQL server, dropped again by destroy(). `migrated: false` leaves it empty (migration tests).
 */
export async function createTestDatabase(engine: EngineName, options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const { db, drop } = engine === 'pglite' ? await openPglite() : await openPostgresSchema();
  if (options.migrated !== false) await migrateToLatest(db);
  return {
    engine,
    db,
    truncate: () => truncateAll(db),
    async destroy() {
      await drop();
      await db.destroy();
    },
  };
}

async function openPglite(): Promise<{ db: Knex; drop: () => Promise<void> }> {
  const seedFile = process.env.PGLITE_SEED_FILE;
  const pglite = seedFile ? await PGlite.create({ loadDataDir: new Blob([await readFile(seedFile)]) }) : await PGlite.create();
  const db = knex({ client: ClientPgLite, dialect: 'postgres', connection: () => ({ pglite }) as object });
  return { db, drop: async () => {} };
}

async function openPostgresSchema(): Promise<{ db: Knex; drop: () => Promise<void> }> {
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = await openDatabase({ engine: 'postgres', url, poolMax: 1 });
  await admin.raw(`CREATE SCHEMA ${schema}`);
  await admin.destroy();
  const db = await openDatabase({ engine: 'postgres', url, poolMax: 10 }, { searchPath: schema });
  return { db, drop: async () => void (await db.raw(`DROP SCHEMA ${schema} CASCADE`)) };
}

async function truncateAll(db: Knex): Promise<void> {
  const { rows } = await db.raw<{ rows: { tablename: string }[] }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT LIKE 'knex_migrations%'`,
  );
  if (rows.length === 0) return;
  const truncate = `TRUNCATE ${rows.map((r) => `"${r.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`;
  // The service under test may still be claiming: its claim locks webhook_events, then the attempts,
  // while TRUNCATE takes them in its own order. PostgreSQL then ends one of the two as a deadlock
  // victim, rolled back whole; when that is the TRUNCATE, it is simply run again.
  for (let attempt = 1; ; attempt++) {
    try {
      await db.raw(truncate);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== deadlockDetected || attempt >= 5) throw error;
    }
  }
}

const deadlockDetected = '40P01';
