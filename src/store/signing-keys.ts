import type { JWK } from 'jose';
import type { Db } from './open-database.js';

const table = 'signing_keys';

/** A stored signing key: private and public halves as JWKs. */
export interface StoredSigningKey {
  readonly name: string;
  readonly kid: string;
  readonly algorithm: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
  readonly createdAt: Date;
}

interface SigningKeyRow {
  name: string;
  kid: string;
  algorithm: string;
  private_jwk: JWK;
  public_jwk: JWK;
  created_at: Date;
}

/** Stores the key unless one with that name exists; the first writer wins, so read it back after. */
export async function insertSigningKeyIfAbsent(db: Db, key: Omit<StoredSigningKey, 'createdAt'>, now: Date): Promise<void> {
  await db(table)
    .insert({
      name: key.name,
      kid: key.kid,
      algorithm: key.algorithm,
      private_jwk: JSON.stringify(key.privateJwk),
      public_jwk: JSON.stringify(key.publicJwk),
      created_at: now,
    })
    .onConflict('name')
    .ignore();
}

export async function findSigningKey(db: Db, name: string): Promise<StoredSigningKey | undefined> {
  const row = await db<SigningKeyRow>(table).where({ name }).first();
  return (
    row && {
      name: row.name,
      kid: row.kid,
      algorithm: row.algorithm,
      privateJwk: row.private_jwk,
      publicJwk: row.public_jwk,
      createdAt: new Date(row.created_at),
    }
  );
}
