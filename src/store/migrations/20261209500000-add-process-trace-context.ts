import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('process_instances', (t) => {
    t.jsonb('trace_context')
      .nullable()
      .comment(
        'W3C trace context ({traceparent, tracestate}) of the traced work that last moved the instance from outside: its start, a signal or a correlated message; every later advance by the poller (a timer, a resumed run) is linked to it. Null when tracing was off',
      );
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('process_instances', (t) => {
    t.dropColumn('trace_context');
  });
}
