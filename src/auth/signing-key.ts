import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Db } from '../store/open-database.js';
import { findSigningKey, insertSigningKeyIfAbsent, type StoredSigningKey } from '../store/signing-keys.js';

/** The embedded token-signing key's name in the store. */
export const embeddedKeyName = 'default';
export const embeddedKeyAlgorithm = 'EdDSA';

/**
 * The service's own Ed25519 key: made on first start and kept in the store. Several processes may
 * start at once on one database: each proposes a key, the first insert wins, and all read back that one.
 */
export async function ensureSigningKey(db: Db, now: Date): Promise<StoredSigningKey> {
  const existing = await findSigningKey(db, embeddedKeyName);
  if (existing) return existing;
  await insertSigningKeyIfAbsent(db, await generateSigningKey(), now);
  const stored = await findSigningKey(db, embeddedKeyName);
  if (!stored) throw new Error('The embedded signing key was not stored');
  return stored;
}

async function generateSigningKey(): Promise<Omit<StoredSigningKey, 'createdAt'>> {
  const { publicKey, privateKey } = await generateKeyPair('Ed25519', { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const labels = { kid, alg: embeddedKeyAlgorithm, use: 'sig' } satisfies JWK;
  return {
    name: embeddedKeyName,
    kid,
    algorithm: embeddedKeyAlgorithm,
    privateJwk: { ...(await exportJWK(privateKey)), ...labels },
    publicJwk: { ...publicJwk, ...labels },
  };
}
