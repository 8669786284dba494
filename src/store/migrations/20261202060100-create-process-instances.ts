import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('process_instances', (t) => {
    t.bigIncrements('id').primary();
    t.bigInteger('definition_id').notNullable().references('id').inTable('process_definitions');
    t.text('status').notNullable().comment('RUNNING, WAITING, COMPLETED, ERROR or CANCELLED');
    t.jsonb('variables').notNullable().defaultTo('{}').comment('the process variables at the last save');
    t.jsonb('engine_state').nullable().comment("bpmn-engine's getState() at the last wait point or task end; null once finished");
    t.jsonb('waiting').notNullable().defaultTo('[]').comment('tasks and events waiting for a signal: [{id, name, type}]');
    t.jsonb('history').notNullable().defaultTo('[]').comment('activities run: [{id, name, type, startedAt, endedAt, outcome}]');
    t.jsonb('errors').notNullable().defaultTo('[]');
    t.timestamp('timer_due_at', { useTz: true })
      .nullable()
      .comment('the earliest armed timer; a poller resumes the instance then');
    t.text('lease_owner').nullable().comment('the service process advancing the instance');
    t.timestamp('lease_until', { useTz: true }).nullable().comment('after this, another process may take the instance over');
    t.bigInteger('event_id')
      .nullable()
      .unique({ indexName: 'process_instances_event_unique' })
      .comment('the webhook event that started it: a retried attempt finds its instance instead of starting another');
    t.integer('steps').notNullable().defaultTo(0).comment('activities ended so far, bounded by PROCESS_MAX_STEPS');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.timestamp('completed_at', { useTz: true }).nullable();
    t.index(['definition_id', 'id'], 'process_instances_definition_idx');
    t.index(['status', 'id'], 'process_instances_status_idx');
  });
  await db.raw('create index process_instances_timer_idx on process_instances (timer_due_at) where timer_due_at is not null');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('process_instances');
}
