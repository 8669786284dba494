import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT, UnsecuredJWT, base64url, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuth } from '../../src/auth/create-auth.js';
import { createJwtAuthenticator } from '../../src/auth/jwt-authenticator.js';
import { hs256Verifier } from '../../src/auth/token-verifier.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient, type Credentials } from '../helpers/management-clients.js';
import { startTestService, silentLog, type RunningService } from '../helpers/test-service.js';
import { mintToken, testSecret } from '../helpers/tokens.js';

const issuer = 'https://issuer.bank.test';
const audience = 'bpm-webhooks';
const now = () => Math.floor(Date.now() / 1000);
const valid = { iss: issuer, aud: audience, sub: 'alice' };
const newConfig = (key: string) => ({ key, path: key, action: 'POST', executionType: 0, commandName: 'EchoCommand' });

/** An "RS256" token whose signature is an HMAC made with the shared secret: the algorithm-confusion forgery. */
function rs256HeaderWithHmac(payload: JWTPayload, secret: string): string {
  const signingInput = `${base64url.encode(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(payload))}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

type Expectation = 'unauthenticated' | 'permission_denied' | 'success';

/** Every way a bearer token can be wrong, and the token that is right but does not grant the write. */
const cases: { name: string; credentials: () => Promise<Credentials>; expected: Expectation }[] = [
  { name: 'no Authorization header', credentials: async () => undefined, expected: 'unauthenticated' },
  { name: '"Bearer" with no token', credentials: async () => ({ authorization: 'Bearer' }), expected: 'unauthenticated' },
  {
    name: 'a Basic credential',
    credentials: async () => ({ authorization: 'Basic YWxpY2U6cGFzcw==' }),
    expected: 'unauthenticated',
  },
  { name: 'garbage', credentials: async () => 'not.a.jwt', expected: 'unauthenticated' },
  {
    name: 'a token signed with another key',
    credentials: () => mintToken({ ...valid, scope: 'webhooks:write' }, 'another-secret-that-is-at-least-32-bytes'),
    expected: 'unauthenticated',
  },
  {
    name: 'an expired token',
    credentials: () => mintToken({ ...valid, scope: 'webhooks:write', iat: now() - 600, exp: now() - 120 }),
    expected: 'unauthenticated',
  },
  {
    name: 'a token not yet valid',
    credentials: () => mintToken({ ...valid, scope: 'webhooks:write', nbf: now() + 300 }),
    expected: 'unauthenticated',
  },
  {
    name: 'a token issued in the future beyond the clock tolerance',
    credentials: () => mintToken({ ...valid, scope: 'webhooks:write', iat: now() + 300, exp: now() + 600 }),
    expected: 'unauthenticated',
  },
  {
    name: 'a token issued within the clock tolerance ahead of this clock',
    credentials: () => mintToken({ ...valid, scope: 'webhooks:write', iat: now() + 20, exp: now() + 600 }),
    expected: 'success',
  },
  {
    name: 'a token without exp',
    credentials: () =>
      new SignJWT({ ...valid, scope: 'webhooks:write' })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode(testSecret)),
    expected: 'unauthenticated',
  },
  {
    name: 'alg: none',
    credentials: async () => new UnsecuredJWT({ ...valid, scope: 'webhooks:write' }).setExpirationTime('5m').encode(),
    expected: 'unauthenticated',
  },
  {
    name: 'an RS256 token signed with the HS secret as if it were a public key',
    credentials: async () => rs256HeaderWithHmac({ ...valid, scope: 'webhooks:write', exp: now() + 300 }, testSecret),
    expected: 'unauthenticated',
  },
  {
    name: 'the wrong issuer',
    credentials: () => mintToken({ ...valid, iss: 'https://evil.test', scope: 'webhooks:write' }),
    expected: 'unauthenticated',
  },
  {
    name: 'the wrong audience',
    credentials: () => mintToken({ ...valid, aud: 'another-service', scope: 'webhooks:write' }),
    expected: 'unauthenticated',
  },
  {
    name: 'a token naming no subject',
    credentials: () => mintToken({ ...valid, sub: undefined, scope: 'webhooks:write' }),
    expected: 'unauthenticated',
  },
  {
    name: 'a read token on a write command',
    credentials: () => mintToken({ ...valid, scope: 'webhooks:read events:write' }),
    expected: 'permission_denied',
  },
  {
    name: 'a permissions array without the write',
    credentials: () => mintToken({ ...valid, permissions: ['webhooks:read', 'processes:write'] }),
    expected: 'permission_denied',
  },
  {
    name: 'a permissions array with the write',
    credentials: () => mintToken({ ...valid, permissions: ['webhooks:write'] }),
    expected: 'success',
  },
  { name: 'a scope with the write', credentials: () => mintToken({ ...valid, scope: 'webhooks:write' }), expected: 'success' },
];

const statusOf = { unauthenticated: 401, permission_denied: 403 } as const;
const messageOf = { unauthenticated: 'Unauthorized', permission_denied: 'Forbidden' } as const;

describe.each(engines)('bearer tokens on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  const count = async (table: string) => Number((await database.db(table).count({ n: '*' }))[0]!.n);

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    const authenticate = createJwtAuthenticator({
      verifier: hs256Verifier(testSecret),
      issuer,
      audience,
      clockToleranceSeconds: 30,
      log: silentLog,
    });
    service = await startTestService(database.db, { authenticate });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  describe.each(clientKinds)('over %s', (kind) => {
    it.each(cases)('$name: $expected', async ({ name, credentials, expected }) => {
      const client = createManagementClient(kind, service.baseUrl, await credentials());
      const [configsBefore, auditBefore] = [await count('webhook_configs'), await count('audit_log')];
      try {
        const outcome = await client.call(
          'CreateWebHookConfigCommand',
          newConfig(`${kind}-${cases.findIndex((c) => c.name === name)}`),
        );
        if (expected === 'success') {
          expect(outcome).toMatchObject({ success: true, message: 'Webhook configuration created successfully' });
          expect(await count('webhook_configs')).toBe(configsBefore + 1);
          expect(await count('audit_log')).toBe(auditBefore + 1);
          return;
        }
        expect(outcome).toMatchObject({
          success: false,
          message: messageOf[expected],
          data: null,
          code: kind === 'gateway' ? statusOf[expected] : expected,
        });
        expect(outcome.errors.length).toBe(1);
        // The reason (expired, bad signature, ...) is logged, never sent.
        expect(outcome.errors.join(' ')).not.toMatch(/expire|signature|issuer|audience|alg|none|nbf/i);
        expect([await count('webhook_configs'), await count('audit_log')]).toEqual([configsBefore, auditBefore]);
      } finally {
        client.close();
      }
    });

    it('refuses queries without a token and without the read permission', async () => {
      const anonymous = createManagementClient(kind, service.baseUrl);
      const writer = createManagementClient(kind, service.baseUrl, await mintToken({ ...valid, scope: 'webhooks:write' }));
      try {
        expect(await anonymous.call('GetWebHookConfigListQuery')).toMatchObject({ message: 'Unauthorized' });
        expect(await writer.call('GetWebHookConfigListQuery')).toMatchObject({
          message: 'Forbidden',
          code: kind === 'gateway' ? 403 : 'permission_denied',
        });
      } finally {
        anonymous.close();
        writer.close();
      }
    });
  });

  // The JWKS is open too: test/auth/embedded-key.test.ts reads it without a token.
  it('keeps health and readiness open', async () => {
    for (const path of ['/healthz', '/readyz']) {
      expect((await fetch(`${service.baseUrl}${path}`)).status, path).toBe(200);
    }
  });
});

describe('a PEM public key (AUTH_PUBLIC_KEY_FILE)', () => {
  let database: TestDatabase;
  let service: RunningService;
  let folder: string;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'auth-pem-'));
    await writeFile(join(folder, 'issuer.pem'), publicPem);
    database = await createTestDatabase('pglite');
    const auth = await createAuth(
      {
        key: { kind: 'public-key', file: join(folder, 'issuer.pem') },
        issuer: undefined,
        audience: undefined,
        clockToleranceSeconds: 30,
      },
      { db: database.db, log: silentLog },
    );
    service = await startTestService(database.db, { authenticate: auth.authenticate, routes: auth.routes });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await rm(folder, { recursive: true, force: true });
  });

  const claims = { sub: 'bob', scope: 'webhooks:read' };
  const call = async (token: string) => {
    const client = createManagementClient('gateway', service.baseUrl, token);
    return client.call('GetWebHookConfigListQuery');
  };

  it('accepts an RS256 token signed with the matching private key', async () => {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(rsa.privateKey);
    expect(await call(token)).toMatchObject({ success: true });
  });

  it('refuses an HS256 token whose secret is the public key PEM (algorithm confusion)', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(publicPem));
    expect(await call(token)).toMatchObject({ success: false, message: 'Unauthorized', code: 401 });
  });

  it('refuses a token signed by another RSA key and an unsigned one', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const forged = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(other.privateKey);
    expect(await call(forged)).toMatchObject({ message: 'Unauthorized', code: 401 });
    expect(await call(new UnsecuredJWT(claims).setExpirationTime('5m').encode())).toMatchObject({ code: 401 });
  });

  it('refuses to start on a file that holds no public key', async () => {
    await writeFile(join(folder, 'bad.pem'), 'not a key');
    await expect(
      createAuth(
        {
          key: { kind: 'public-key', file: join(folder, 'bad.pem') },
          issuer: undefined,
          audience: undefined,
          clockToleranceSeconds: 30,
        },
        { db: database.db, log: silentLog },
      ),
    ).rejects.toThrow(/AUTH_PUBLIC_KEY_FILE/);
  });
});
