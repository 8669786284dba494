import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('process_definitions', (t) => {
    t.bigIncrements('id').primary();
    t.text('name').notNullable().comment('as deployed; versions are counted per lower(name)');
    t.integer('version').notNullable().comment('1 for the first deployment of a name, then one more each time');
    t.text('process_id').notNullable().comment('the executable bpmn:process that instances run');
    t.text('description').notNullable().defaultTo('');
    t.text('bpmn_xml').notNullable().comment('the validated document, exactly as deployed');
    t.timestamp('deployed_at', { useTz: true }).notNullable();
    t.text('deployed_by').notNullable().defaultTo('').comment("the deployer's token subject");
  });
  await db.raw('create unique index process_definitions_name_version_unique on process_definitions (lower(name), version)');
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('process_definitions');
}
