import { randomBytes } from 'node:crypto';
import { openDatabase } from '../../src/store/open-database.js';

/** A database of one's own on a PostgreSQL server: its URL, and how to drop it (connections forced off). */
export interface ScratchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

/** Creates an empty database named `<prefix>_<random>` on the server at `serverUrl`, for service processes to share. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = (sql: string) =>
    openDatabase({ engine: 'postgres', url: serverUrl, poolMax: 1 }).then(async (db) => {
      try {
        await db.raw(sql);
      } finally {
        await db.destroy();
      }
    });
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
