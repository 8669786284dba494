import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_events', (t) => {
    t.text('request_id')
      .nullable()
      .comment('x-request-id of the request that brought the event (given or generated); null before it was kept');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('webhook_events', (t) => {
    t.dropColumn('request_id');
  });
}
