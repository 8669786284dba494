import type { Knex } from 'knex';

/**
 * Refused requests are counted for every source: per configuration for the dynamic router, as
 * before, and per provider (Mono, Remita) for the fixed endpoints, whose refusals are now stored as
 * `rejected` events too and need the same rate bound whether or not a reserved-key configuration exists.
 * The unique index on config_id stays, so a process still running the previous release keeps upserting.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('refused_requests', (t) => {
    t.text('source')
      .notNullable()
      .defaultTo('router')
      .comment('router (counted per configuration) or a provider (counted per provider, no configuration)');
  });
  await db.raw('ALTER TABLE refused_requests DROP CONSTRAINT refused_requests_pkey');
  await db.raw('ALTER TABLE refused_requests ALTER COLUMN config_id DROP NOT NULL');
  await db.raw('CREATE UNIQUE INDEX refused_requests_config ON refused_requests (config_id)');
  await db.raw('CREATE UNIQUE INDEX refused_requests_provider ON refused_requests (source) WHERE config_id IS NULL');
  await db.raw(
    `ALTER TABLE refused_requests ADD CONSTRAINT refused_requests_one_scope CHECK ((source = 'router') = (config_id IS NOT NULL))`,
  );
}

export async function down(db: Knex): Promise<void> {
  await db('refused_requests').whereNull('config_id').delete();
  await db.raw('ALTER TABLE refused_requests DROP CONSTRAINT refused_requests_one_scope');
  await db.raw('DROP INDEX refused_requests_provider');
  await db.raw('DROP INDEX refused_requests_config');
  await db.raw('ALTER TABLE refused_requests ALTER COLUMN config_id SET NOT NULL');
  await db.raw('ALTER TABLE refused_requests ADD PRIMARY KEY (config_id)');
  await db.schema.alterTable('refused_requests', (t) => {
    t.dropColumn('source');
  });
}
