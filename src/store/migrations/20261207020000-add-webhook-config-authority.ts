import type { Knex } from 'knex';

/**
 * The permissions a configuration's commands run with. Configurations saved before it was recorded
 * get `webhooks:write`, the one permission every save needed; StartProcess ones `processes:write`
 * too, since their target is the process itself, named in every read of them.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.jsonb('authority')
      .notNullable()
      .defaultTo(db.raw(`'["webhooks:write"]'::jsonb`))
      .comment('permissions of the token that last created or updated it: what its commands may do (sorted)');
  });
  await db('webhook_configs')
    .where({ execution_type: 3 })
    .update({ authority: db.raw(`'["processes:write", "webhooks:write"]'::jsonb`) });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.dropColumn('authority');
  });
}
