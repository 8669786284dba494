import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('signing_keys', (t) => {
    t.text('name').primary().comment('which key: "default" is the embedded token-signing key');
    t.text('kid').notNullable().comment('JWK thumbprint, published at /.well-known/jwks.json');
    t.text('algorithm').notNullable().comment('JWS alg, EdDSA');
    t.jsonb('private_jwk').notNullable().comment('secret: never leaves the service (and the token CLI)');
    t.jsonb('public_jwk').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('signing_keys');
}
