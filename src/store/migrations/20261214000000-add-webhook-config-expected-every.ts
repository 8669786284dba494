import type { Knex } from 'knex';

/**
 * A configuration may say how often it expects an accepted webhook; /metrics and the console flag it
 * as silent past that. Its last accepted time is not stored beside it: /metrics reads it from the
 * event log's (config_id, received_at DESC) index, so the ingest path writes nothing more (a column
 * updated at every accept would be one hot row per configuration, and every write to
 * webhook_configs reloads every process's route cache).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.integer('expected_every_seconds')
      .nullable()
      .comment('Longer than this without an accepted webhook, the configuration is silent; null: no expectation');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.dropColumn('expected_every_seconds');
  });
}
