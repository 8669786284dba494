import type { Knex } from 'knex';

/**
 * One way in for every source: dedup per source (per configuration for the dynamic router, per
 * provider for the fixed endpoints, with or without a configuration) in one unique index, and the
 * searchable fields a provider extracts (event name, account/mandate/customer ids, reference, amount).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_events', (t) => {
    t.jsonb('fields')
      .notNullable()
      .defaultTo('{}')
      .comment('searchable fields of a provider event: event, accountId, mandateId, customerId, reference, amountKobo');
  });
  // Derived, never written: the router dedups per configuration, every other source per source.
  await db.raw(
    `ALTER TABLE webhook_events ADD COLUMN dedup_scope text GENERATED ALWAYS AS (
       CASE WHEN source = 'router' THEN 'config:' || config_id::text ELSE source END) STORED`,
  );
  await db.raw(`COMMENT ON COLUMN webhook_events.dedup_scope IS 'where idempotency keys are unique: config:<id> or the source'`);
  await db.raw(
    `CREATE UNIQUE INDEX webhook_events_dedup_unique ON webhook_events (dedup_scope, idempotency_key)
     WHERE idempotency_key IS NOT NULL`,
  );
  await db.raw('DROP INDEX webhook_events_idempotency_unique');
  await db.raw('CREATE INDEX webhook_events_fields ON webhook_events USING gin (fields jsonb_path_ops)');
  await db.raw('CREATE INDEX webhook_events_source ON webhook_events (source, received_at DESC)');
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP INDEX IF EXISTS webhook_events_source');
  await db.raw('DROP INDEX IF EXISTS webhook_events_fields');
  await db.raw(
    `CREATE UNIQUE INDEX webhook_events_idempotency_unique ON webhook_events (config_id, idempotency_key)
     WHERE idempotency_key IS NOT NULL`,
  );
  await db.raw('DROP INDEX webhook_events_dedup_unique');
  await db.schema.alterTable('webhook_events', (t) => {
    t.dropColumn('dedup_scope');
    t.dropColumn('fields');
  });
}
