import type { Config } from '../config/config.js';
import { isDataDirLocked } from '../store/data-dir-lock.js';
import { migrateToLatest } from '../store/migrate.js';
import { openDatabase } from '../store/open-database.js';
import type { SigningMaterial } from './sign-token.js';
import { ensureSigningKey } from './signing-key.js';
import { readSigningKeyFile, signingKeyFilePath, writeSigningKeyFile } from './signing-key-file.js';

/**
 * The key `npm run token` signs with, found the way the server finds it:
 * - AUTH_HS256_SECRET: the shared secret;
 * - embedded key, PGlite on disk: the private JWK the server mirrors into DATA_DIR (PGlite allows one
 *   process per data directory, so the database cannot be opened while the server runs); when there is
 *   no file yet (the server never started), the database itself, creating the key as the server would;
 * - embedded key, PostgreSQL: the database, which any number of processes may open.
 * Tokens for AUTH_PUBLIC_KEY_FILE and AUTH_JWKS_URL come from their issuer, not from here.
 */
export async function loadSigningMaterial(config: Config): Promise<SigningMaterial> {
  const source = config.auth.key;
  switch (source.kind) {
    case 'hs256':
      return { kind: 'hs256', secret: source.secret };
    case 'public-key':
    case 'jwks':
      throw new Error(
        `The service verifies tokens from ${source.kind === 'jwks' ? 'AUTH_JWKS_URL' : 'AUTH_PUBLIC_KEY_FILE'}: get tokens from that issuer`,
      );
    case 'embedded':
      return { kind: 'jwk', jwk: await embeddedPrivateKey(config) };
    default:
      return source satisfies never;
  }
}

async function embeddedPrivateKey(config: Config) {
  const { database } = config;
  if (database.engine === 'pglite' && database.dataDir === undefined) {
    throw new Error('With DATABASE_URL=memory:// the key lives only inside the running server: set AUTH_HS256_SECRET instead');
  }
  const keyFile = database.engine === 'pglite' && database.dataDir ? signingKeyFilePath(database.dataDir) : undefined;
  const mirrored = keyFile && (await readSigningKeyFile(keyFile));
  if (mirrored) return mirrored;
  const db = await openDatabase(database).catch((error: unknown) => {
    if (!isDataDirLocked(error) || !keyFile) throw error;
    throw new Error(
      `${error.message}\nThe token CLI reads the signing key the server writes to ${keyFile}; that file is missing, ` +
        'so it needs the database itself. Stop the server (it writes the file at its next start, then tokens can be ' +
        'made beside it), or set AUTH_HS256_SECRET for both.',
    );
  });
  try {
    await migrateToLatest(db);
    const key = await ensureSigningKey(db, new Date());
    if (keyFile) await writeSigningKeyFile(keyFile, key.privateJwk);
    return key.privateJwk;
  } finally {
    await db.destroy();
  }
}
