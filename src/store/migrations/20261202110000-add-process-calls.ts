import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('process_instances', (t) => {
    t.bigInteger('parent_instance_id')
      .nullable()
      .references('id')
      .inTable('process_instances')
      .comment('the instance whose call activity started this one');
    t.integer('call_depth')
      .notNullable()
      .defaultTo(0)
      .comment('how many call activities deep; bounded against a process calling itself');
    t.boolean('returned_to_parent')
      .notNullable()
      .defaultTo(false)
      .comment('set in the transaction that hands a finished child back to its waiting parent');
  });
  // The poller looks for waiting parents whose child finished and was not handed back yet.
  await db.raw(
    'create index process_instances_unreturned_children_idx on process_instances (parent_instance_id) where parent_instance_id is not null and not returned_to_parent',
  );
}

export async function down(db: Knex): Promise<void> {
  await db.raw('drop index process_instances_unreturned_children_idx');
  await db.schema.alterTable('process_instances', (t) => {
    t.dropColumn('parent_instance_id');
    t.dropColumn('call_depth');
    t.dropColumn('returned_to_parent');
  });
}
