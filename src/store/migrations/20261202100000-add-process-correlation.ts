import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_configs', (t) => {
    t.text('process_action').nullable().comment('StartProcess only: "start" (null means start too) or "correlate"');
    t.text('message_name').nullable().comment('StartProcess correlate: the BPMN message delivered to the waiting instance');
    t.text('correlation_key').nullable().comment('StartProcess correlate: JSON pointer into the body to the correlation key');
  });
  await db.schema.alterTable('process_instances', (t) => {
    t.text('start_message')
      .nullable()
      .comment('the message id that started the instance at its message start event; delivered again if its first run is lost');
  });
  // Correlation looks for waiting instances whose `waiting` holds {messageName, correlationKey}.
  await db.raw(
    "create index process_instances_waiting_idx on process_instances using gin (waiting jsonb_path_ops) where status = 'WAITING'",
  );
  await db.schema.createTable('process_message_deliveries', (t) => {
    t.bigInteger('event_id')
      .primary()
      .comment('the webhook event delivered as a message; a retried attempt finds it here instead of delivering it again');
    t.bigInteger('instance_id').notNullable().references('id').inTable('process_instances').onDelete('CASCADE');
    t.text('message_name').notNullable();
    t.timestamp('delivered_at', { useTz: true })
      .notNullable()
      .comment('written with the first state the message produced, in one transaction');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('process_message_deliveries');
  await db.raw('drop index process_instances_waiting_idx');
  await db.schema.alterTable('process_instances', (t) => {
    t.dropColumn('start_message');
  });
  await db.schema.alterTable('webhook_configs', (t) => {
    t.dropColumn('process_action');
    t.dropColumn('message_name');
    t.dropColumn('correlation_key');
  });
}
