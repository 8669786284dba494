import { loadConfig } from '../config/config.js';
import { isDataDirLocked } from '../store/data-dir-lock.js';
import { migrateConfiguredDatabase } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';

/** `npm run migrate`: applies pending migrations to the configured database and exits. */
async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase(config.database);
  try {
    await migrateConfiguredDatabase(config.database, db);
    console.log(`migrations applied (${config.database.engine})`);
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    isDataDirLocked(error)
      ? `${message}\nThe running server applies migrations itself when it starts: there is no need to run this beside it.`
      : message,
  );
  process.exit(1);
});
