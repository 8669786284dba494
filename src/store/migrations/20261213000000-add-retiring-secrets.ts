import type { Knex } from 'knex';

/**
 * A rotated configuration's old secrets (RotateWebHookSecretCommand), each accepted until its expiry
 * on the database clock: `[{"secret": "...", "expiresAt": "<ISO-8601>"}]`. The current secrets stay
 * in `verification.secrets`. Expired entries are no longer read; the next rotation and the retention
 * job remove them.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.jsonb('retiring_secrets')
      .notNullable()
      .defaultTo('[]')
      .comment('old secrets still accepted until expiresAt (database clock) after a rotation; never leave the store');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.dropColumn('retiring_secrets');
  });
}
