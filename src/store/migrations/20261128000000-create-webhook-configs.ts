import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('webhook_configs', (t) => {
    t.bigIncrements('id').primary();
    t.text('key').notNullable().comment('unique case-insensitively; immutable');
    t.text('description').notNullable().defaultTo('');
    t.boolean('is_enabled').notNullable().defaultTo(true);
    t.text('path').notNullable().defaultTo('').comment('as given by the operator');
    t.text('normalized_path').notNullable().defaultTo('').comment('trimmed, // collapsed, lower-case: what the router matches');
    t.text('action').notNullable().comment('HTTP method, upper-case');
    t.smallint('execution_type').notNullable().comment('0 native command, 1 chain, 2 script, 3 process');
    t.text('command_name').nullable();
    t.jsonb('command_chain').nullable().comment('[{commandName, parameters}]');
    t.text('execution_code').nullable();
    t.bigInteger('process_definition_id').nullable();
    t.text('allowable_ips').notNullable().defaultTo('').comment('comma-separated addresses and CIDRs; empty = any');
    t.text('response_mode').notNullable().defaultTo('sync');
    t.integer('timeout_ms').nullable();
    t.integer('max_attempts').nullable();
    t.text('idempotency_key').nullable().comment('header:<name> or body:<json-pointer>');
    t.jsonb('verification').nullable().comment('scheme and secrets; secrets never leave the store');
    t.integer('version').notNullable().defaultTo(1).comment('bumped on every change');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('activated_at', { useTz: true }).nullable();
    t.timestamp('deactivated_at', { useTz: true }).nullable();
  });
  await db.raw('CREATE UNIQUE INDEX webhook_configs_key_unique ON webhook_configs (lower(key))');
  // One enabled configuration per normalised path and method; an empty path matches by key only.
  await db.raw(
    `CREATE UNIQUE INDEX webhook_configs_route_unique ON webhook_configs (normalized_path, action)
     WHERE is_enabled AND normalized_path <> ''`,
  );
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('webhook_configs');
}
