import { SignJWT, type JWTPayload } from 'jose';
import { createJwtAuthenticator } from '../../src/auth/jwt-authenticator.js';
import { hs256Verifier } from '../../src/auth/token-verifier.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import { permissions } from '../../src/domain/permissions.js';
import type { Logger } from 'pino';
import { silentLog } from './silent-log.js';

/** The shared secret of the test services' default authenticator. */
export const testSecret = 'test-secret-that-is-at-least-32-bytes-long';

/** A real HS256 bearer-token authenticator, as `AUTH_HS256_SECRET=testSecret` would configure it. */
export function createTestAuthenticator(log: Logger = silentLog): Authenticator {
  return createJwtAuthenticator({ verifier: hs256Verifier(testSecret), clockToleranceSeconds: 30, log });
}

/** Signs a token for the test authenticator: `sub: "tester"`, valid for five minutes; `claims` override any of it. */
export function mintToken(claims: JWTPayload = {}, secret: string = testSecret): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: 'tester', iat: now, exp: now + 300, ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}

/** A token holding every permission: for tests where authentication is not the subject. */
export function mintAdminToken(): Promise<string> {
  return mintToken({ sub: 'admin', scope: permissions.join(' '), exp: Math.floor(Date.now() / 1000) + 3_600 });
}
