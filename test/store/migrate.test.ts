import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isDatabaseReady, migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';

const url = process.env.TEST_DATABASE_URL;

describe.skipIf(!url)('migrations on a shared PostgreSQL', () => {
  it('lets several processes migrate a new database at the same moment', async () => {
    for (let round = 0; round < 5; round++) {
      const schema = `migrate_${randomBytes(4).toString('hex')}`;
      const admin = await openDatabase({ engine: 'postgres', url: url!, poolMax: 1 });
      await admin.raw(`CREATE SCHEMA ${schema}`);
      const starters = await Promise.all(
        [1, 2, 3, 4].map(() => openDatabase({ engine: 'postgres', url: url!, poolMax: 2 }, { searchPath: schema })),
      );
      try {
        await Promise.all(starters.map((db) => migrateToLatest(db)));
        expect(await Promise.all(starters.map((db) => isDatabaseReady(db)))).toEqual([true, true, true, true]);
        // One lock row, unlocked: a second row would make every later start wait forever.
        expect(await admin.withSchema(schema).from('knex_migrations_lock').select('is_locked')).toEqual([{ is_locked: 0 }]);
      } finally {
        await Promise.all(starters.map((db) => db.destroy()));
        await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
        await admin.destroy();
      }
    }
  });
});
