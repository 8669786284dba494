import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('process_instances', (t) => {
    t.integer('call_tree_size')
      .notNullable()
      .defaultTo(1)
      .comment(
        'on a root instance (no parent): instances its call tree holds or has reserved, itself included; raised in the transaction that stores new children, never past the bound',
      );
  });
  // Trees that exist already: every instance called from each root, at any depth.
  await db.raw(
    `with recursive tree(root, id) as (
       select id, id from process_instances where parent_instance_id is null
       union all select tree.root, child.id from process_instances child join tree on child.parent_instance_id = tree.id)
     update process_instances set call_tree_size = counted.size
       from (select root, count(*) as size from tree group by root) counted
      where process_instances.id = counted.root`,
  );
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('process_instances', (t) => {
    t.dropColumn('call_tree_size');
  });
}
