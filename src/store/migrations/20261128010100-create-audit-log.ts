import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('actor').notNullable().comment("the token's subject");
    t.text('command').notNullable().comment('the $type that ran');
    t.text('entity_type').notNullable().defaultTo('').comment('e.g. webhook_config; empty when the command names none');
    t.text('entity_id').notNullable().defaultTo('');
    t.jsonb('before').nullable().comment('the entity before the command, secrets masked; null when it did not exist');
    t.jsonb('after').nullable().comment('the entity after the command, secrets masked; null when it no longer exists');
    t.text('request_id').notNullable().defaultTo('');
    t.index(['entity_id', 'id'], 'audit_log_entity_idx');
    t.index(['actor', 'id'], 'audit_log_actor_idx');
    t.index(['occurred_at'], 'audit_log_occurred_at_idx');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('audit_log');
}
