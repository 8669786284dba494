import type { Knex } from 'knex';

/**
 * A configuration may name its sender from the source catalog (src/sources/source-catalog.ts): its
 * verification scheme, dedup key, event type and default caller allow-list then come from there,
 * and `verification` keeps only its secrets. Null: the configuration spells out its own.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.text('source').nullable().comment('A source catalog entry (paystack, stripe, ...) or null: verification as configured');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.dropColumn('source');
  });
}
