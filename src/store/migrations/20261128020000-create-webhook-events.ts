import type { Knex } from 'knex';

export const configChangesChannel = 'webhook_configs_changed';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('webhook_events', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('config_id').nullable().comment('the matched configuration; no foreign key: events outlive deleted configs');
    t.text('config_key').notNullable().defaultTo('');
    t.integer('config_version').nullable().comment('the configuration version the event was accepted with');
    t.text('source').notNullable().defaultTo('router').comment('router, or the fixed endpoint that stored it');
    t.text('method').notNullable();
    t.text('path').notNullable().comment('normalised request path below /api/webhook/');
    t.jsonb('headers').notNullable().comment('request headers, secrets redacted');
    t.jsonb('query').notNullable();
    t.binary('raw_body').notNullable().comment('the exact bytes received');
    t.text('client_ip').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.text('idempotency_key').nullable();
    t.text('response_mode').notNullable().comment('sync or async');
    t.text('status').notNullable().comment('queued, processing, succeeded, failed (sync), dead, rejected');
    t.integer('attempts').notNullable().defaultTo(0).comment('attempts started so far, over every replay');
    t.integer('max_attempts').notNullable().comment('attempt number after which a failure is final');
    t.timestamp('available_at', { useTz: true }).nullable().comment('queued: when due; processing: when the lease expires');
    t.text('lease_owner').nullable().comment('the worker holding the event while processing');
    t.jsonb('result').nullable().comment('the last successful result');
    t.jsonb('errors').nullable().comment('the last failure, one sentence each');
    t.jsonb('http_response').nullable().comment('a result that answers the caller directly');
    t.jsonb('trace').notNullable().comment('decisions: match, ip, verification, dedup, replays');
    t.timestamp('completed_at', { useTz: true }).nullable();
  });
  // Idempotency: one accepted event per key and configuration.
  await db.raw(
    `CREATE UNIQUE INDEX webhook_events_idempotency_unique ON webhook_events (config_id, idempotency_key)
     WHERE idempotency_key IS NOT NULL`,
  );
  // The queue: the workers' claim scans only pending events, oldest due first.
  await db.raw(`CREATE INDEX webhook_events_due ON webhook_events (available_at, id) WHERE status IN ('queued', 'processing')`);
  await db.raw('CREATE INDEX webhook_events_received ON webhook_events (received_at DESC, id DESC)');
  await db.raw('CREATE INDEX webhook_events_config ON webhook_events (config_id, received_at DESC)');

  await db.schema.createTable('webhook_event_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('event_id').notNullable().references('id').inTable('webhook_events').onDelete('CASCADE');
    t.integer('attempt').notNullable().comment('1-based, over every replay');
    t.text('worker').notNullable().comment('host:pid:nonce of the process that ran it');
    t.integer('config_version').nullable();
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true }).nullable();
    t.double('duration_ms').nullable();
    t.text('outcome').notNullable().comment('running, succeeded, failed, interrupted (its process died or let go)');
    t.jsonb('errors').nullable();
    t.jsonb('logs').nullable().comment('captured console output and executor notes');
    t.jsonb('steps').nullable();
    t.unique(['event_id', 'attempt']);
  });

  // Every write to the configurations tells each process to reload its route cache.
  await db.raw(`
    CREATE FUNCTION notify_webhook_configs_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('${configChangesChannel}', '');
      RETURN NULL;
    END $$`);
  await db.raw(`
    CREATE TRIGGER webhook_configs_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON webhook_configs
    FOR EACH STATEMENT EXECUTE FUNCTION notify_webhook_configs_changed()`);
}

export async function down(db: Knex): Promise<void> {
  await db.raw('DROP TRIGGER IF EXISTS webhook_configs_changed ON webhook_configs');
  await db.raw('DROP FUNCTION IF EXISTS notify_webhook_configs_changed()');
  await db.schema.dropTable('webhook_event_attempts');
  await db.schema.dropTable('webhook_events');
}
