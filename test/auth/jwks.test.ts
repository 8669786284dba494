import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../../src/auth/create-auth.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ClientKind } from '../helpers/management-clients.js';
import { startTestService, silentLog, type RunningService } from '../helpers/test-service.js';
import { mintToken } from '../helpers/tokens.js';

interface IssuerKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function issuerKey(kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

const sign = (key: IssuerKey, kid = key.kid) =>
  new SignJWT({ sub: 'carol', scope: 'webhooks:read' })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setExpirationTime('5m')
    .sign(key.privateKey);

/** An identity provider's key set, served over HTTP by the test; `published` can change between calls. */
describe('a remote key set (AUTH_JWKS_URL)', () => {
  let database: TestDatabase;
  let service: RunningService;
  let issuer: http.Server;
  let published: JWK[] = [];
  let fetches = 0;
  let first: IssuerKey;

  beforeAll(async () => {
    first = await issuerKey('key-1');
    published = [first.publicJwk];
    issuer = http.createServer((request, response) => {
      fetches += 1;
      response.writeHead(request.url === '/jwks.json' ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => issuer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(issuer.address() as AddressInfo).port}/jwks.json`;
    database = await createTestDatabase('pglite');
    const auth = await createAuth(
      { key: { kind: 'jwks', url }, issuer: undefined, audience: undefined, clockToleranceSeconds: 30 },
      { db: database.db, log: silentLog, jwksCooldownMs: 0 },
    );
    service = await startTestService(database.db, { authenticate: auth.authenticate, routes: auth.routes });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    issuer?.closeAllConnections();
    await new Promise((resolve) => issuer?.close(resolve));
  });

  const list = async (kind: ClientKind, token: string) => {
    const client = createManagementClient(kind, service.baseUrl, token);
    try {
      return await client.call('GetWebHookConfigListQuery');
    } finally {
      client.close();
    }
  };

  it('accepts a token signed with a published key, over the gateway and gRPC, fetching the set once', async () => {
    const token = await sign(first);
    expect(await list('gateway', token)).toMatchObject({ success: true });
    expect(await list('grpc', token)).toMatchObject({ success: true });
    expect(fetches).toBe(1);
  });

  it('fetches the set again when a token names a kid it does not know (key rotation)', async () => {
    const second = await issuerKey('key-2');
    published = [first.publicJwk, second.publicJwk];
    expect(await list('gateway', await sign(second))).toMatchObject({ success: true });
    expect(fetches).toBe(2);
  });

  it('refuses a kid the set does not hold, a published kid on a forged signature, and HS256', async () => {
    const stranger = await issuerKey('key-9');
    expect(await list('gateway', await sign(stranger))).toMatchObject({ message: 'Unauthorized', code: 401 });
    expect(await list('grpc', await sign(stranger, 'key-1'))).toMatchObject({ message: 'Unauthorized', code: 'unauthenticated' });
    expect(await list('gateway', await mintToken({ scope: 'webhooks:read' }))).toMatchObject({ code: 401 });
  });

  it('answers 503, not 401, when the key set cannot be fetched', async () => {
    issuer.closeAllConnections();
    await new Promise((resolve) => issuer.close(resolve));
    const newcomer = await issuerKey('key-3');
    expect(await list('gateway', await sign(newcomer))).toMatchObject({
      success: false,
      message: 'Service unavailable',
      code: 503,
    });
    // Keys already fetched keep working while the issuer is down.
    expect(await list('gateway', await sign(first))).toMatchObject({ success: true });
  });
});
