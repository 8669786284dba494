import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth, type Auth } from '../../src/auth/create-auth.js';
import { signToken } from '../../src/auth/sign-token.js';
import { ensureSigningKey } from '../../src/auth/signing-key.js';
import { readSigningKeyFile } from '../../src/auth/signing-key-file.js';
import type { AuthConfig } from '../../src/config/config.js';
import { findSigningKey } from '../../src/store/signing-keys.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { startTestService, silentLog, type RunningService } from '../helpers/test-service.js';

const embedded: AuthConfig = { key: { kind: 'embedded' }, issuer: undefined, audience: undefined, clockToleranceSeconds: 30 };

describe.each(engines)('the embedded signing key on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let auth: Auth;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    folder = await mkdtemp(join(tmpdir(), 'auth-embedded-'));
    auth = await createAuth(embedded, { db: database.db, log: silentLog, keyFile: join(folder, 'signing-key.jwk.json') });
    service = await startTestService(database.db, { authenticate: auth.authenticate, routes: auth.routes });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await rm(folder, { recursive: true, force: true });
  });

  it('is made once: processes starting together on one database all get the same key', async () => {
    const keys = await Promise.all(Array.from({ length: 6 }, () => ensureSigningKey(database.db, new Date())));
    expect(new Set(keys.map((key) => key.kid)).size).toBe(1);
    expect(Number((await database.db('signing_keys').count({ n: '*' }))[0]!.n)).toBe(1);
    const second = await createAuth(embedded, { db: database.db, log: silentLog });
    expect(second.routes.map((route) => route.path)).toEqual(['/.well-known/jwks.json']);
  });

  it('publishes only the public half at /.well-known/jwks.json', async () => {
    const response = await fetch(`${service.baseUrl}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    const { keys } = (await response.json()) as { keys: JWK[] };
    const stored = await findSigningKey(database.db, 'default');
    expect(keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: stored!.publicJwk.x, kid: stored!.kid, alg: 'EdDSA', use: 'sig' }]);
    expect(JSON.stringify(keys)).not.toContain('"d"');
  });

  it('mirrors the private key into a file only its owner can read', async () => {
    const file = join(folder, 'signing-key.jwk.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readSigningKeyFile(file))?.kid).toBe((await findSigningKey(database.db, 'default'))!.kid);
  });

  it('signs tokens that the service accepts and that verify against its JWKS', async () => {
    const stored = await findSigningKey(database.db, 'default');
    const token = await signToken(
      { kind: 'jwk', jwk: stored!.privateJwk },
      { subject: 'dave', permissions: ['webhooks:read'], ttl: '5m' },
      new Date(),
    );
    const { payload, protectedHeader } = await jwtVerify(
      token,
      createRemoteJWKSet(new URL(`${service.baseUrl}/.well-known/jwks.json`)),
    );
    expect(payload).toMatchObject({ sub: 'dave', scope: 'webhooks:read' });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: stored!.kid });
    for (const kind of clientKinds) {
      const client = createManagementClient(kind, service.baseUrl, token);
      expect(await client.call('GetWebHookConfigListQuery'), kind).toMatchObject({ success: true });
      expect(await client.call('DeleteWebHookConfigCommand', { id: 1 }), kind).toMatchObject({ message: 'Forbidden' });
      client.close();
    }
  });
});
