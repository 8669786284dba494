import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('refused_requests', (t) => {
    t.bigInteger('config_id').primary().comment('the configuration the refused requests were for; no foreign key, like events');
    t.bigInteger('refused_total').notNullable().defaultTo(0).comment('every request refused with 401/403');
    t.bigInteger('not_stored_total').notNullable().defaultTo(0).comment('refused requests counted only: over the rate bound');
    t.timestamp('window_start', { useTz: true }).notNullable().comment('the minute the stored count is for; only moves forward');
    t.integer('window_stored').notNullable().defaultTo(0).comment('refused requests stored as events in that minute');
    t.boolean('last_stored').notNullable().comment('whether the latest refused request may be stored (read back by the upsert)');
    t.timestamp('last_refused_at', { useTz: true }).notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('refused_requests');
}
