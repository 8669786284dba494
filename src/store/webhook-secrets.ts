import type { RetiringSecret, VerificationSettings } from '../domain/webhook-config.js';
import type { Db } from './open-database.js';
import { toJsonbParam } from './jsonb-safe.js';

/**
 * A configuration's secrets after a rotation: `verification.secrets` are the current ones, and
 * `retiring_secrets` (migration 20261213000000) the old ones with their expiry, which is always
 * judged with the database's `now()`, never a process clock, so every process drops an old secret
 * at the same instant.
 */

/** The database's clock; in a transaction, the time it began (as every `now()` in it). */
export async function readDatabaseNow(db: Db): Promise<Date> {
  const { rows } = await db.raw<{ rows: { now: Date | string }[] }>('SELECT now() AS now');
  return new Date(rows[0]!.now);
}

/** Takes the configuration's row lock for the caller's transaction, so two rotations never write over each other; false when it is missing. */
export async function lockWebhookConfig(db: Db, id: number): Promise<boolean> {
  const rows = await db('webhook_configs').select('id').where({ id }).forUpdate();
  return rows.length > 0;
}

/** Stores a rotation's secrets and bumps the version; false when the configuration is missing. */
export async function replaceWebhookSecrets(
  db: Db,
  id: number,
  secrets: { verification: VerificationSettings; retiring: readonly RetiringSecret[] },
  now: Date,
): Promise<boolean> {
  const retiring = secrets.retiring.map(({ secret, expiresAt }) => ({ secret, expiresAt: expiresAt.toISOString() }));
  const updated = await db('webhook_configs')
    .where({ id })
    .update(
      {
        verification: toJsonbParam(secrets.verification),
        retiring_secrets: toJsonbParam(retiring),
        version: db.raw('version + 1'),
        updated_at: now,
      },
      ['id'],
    );
  return updated.length > 0;
}

/** Clears every old secret (an update that sets new secrets replaces them all). */
export async function clearRetiringSecrets(db: Db, id: number): Promise<void> {
  await db('webhook_configs').where({ id }).whereRaw(`retiring_secrets <> '[]'::jsonb`).update({ retiring_secrets: '[]' });
}

/**
 * Removes the old secrets that have expired on the database's clock from every configuration; they
 * are no longer read (see toWebhookConfig), this takes them out of storage. Returns how many rows changed.
 */
export async function dropExpiredSecrets(db: Db): Promise<number> {
  const expired = `SELECT 1 FROM jsonb_array_elements(c.retiring_secrets) s WHERE (s->>'expiresAt')::timestamptz <= now()`;
  const result = await db.raw<{ rowCount: number | null; affectedRows?: number }>(
    `UPDATE webhook_configs c SET retiring_secrets = (
       SELECT coalesce(jsonb_agg(s ORDER BY s->>'expiresAt'), '[]'::jsonb)
       FROM jsonb_array_elements(c.retiring_secrets) s WHERE (s->>'expiresAt')::timestamptz > now())
     WHERE EXISTS (${expired})`,
  );
  return result.rowCount ?? result.affectedRows ?? 0;
}
