import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JWK } from 'jose';

/**
 * Where the embedded key's private JWK is mirrored when the store is PGlite on disk. PGlite allows one
 * process per data directory, so `npm run token` reads this file while the server holds the database.
 * The key is in the same directory's database files anyway: the file widens nobody's access.
 */
export function signingKeyFilePath(dataDir: string): string {
  return join(dataDir, 'signing-key.jwk.json');
}

/** Writes the private JWK readable by the owner only, atomically (a reader never sees half a file). */
export async function writeSigningKeyFile(path: string, privateJwk: JWK): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(privateJwk)}\n`, { mode: 0o600 });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

/** The mirrored private JWK, or undefined when there is no file. */
export async function readSigningKeyFile(path: string): Promise<JWK | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const jwk = JSON.parse(text) as JWK;
  if (jwk.kty !== 'OKP' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error(`${path} does not hold an Ed25519 private JWK`);
  }
  return jwk;
}
