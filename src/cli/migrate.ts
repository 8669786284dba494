import { loadConfig } from '../config/config.js';
import { migrateToLatest } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';

/** `npm run migrate`: applies pending migrations to the configured database and exits. */
const config = loadConfig();
const db = await openDatabase(config.database);
try {
  await migrateToLatest(db);
  console.log(`migrations applied (${config.database.engine})`);
} finally {
  await db.destroy();
}
