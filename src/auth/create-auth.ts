import type { Knex } from 'knex';
import type { JWK } from 'jose';
import type { Logger } from 'pino';
import type { AuthConfig } from '../config/config.js';
import { createJwksRoute } from '../transport/http/jwks-route.js';
import type { HttpRoute } from '../transport/http/http-types.js';
import type { Authenticator } from './authenticator.js';
import { createJwtAuthenticator } from './jwt-authenticator.js';
import { ensureSigningKey } from './signing-key.js';
import { writeSigningKeyFile } from './signing-key-file.js';
import { hs256Verifier, jwksVerifier, localJwksVerifier, publicKeyFileVerifier, type TokenVerifier } from './token-verifier.js';

/** Authentication as the service runs it: the authenticator and the routes it publishes (the JWKS). */
export interface Auth {
  readonly authenticate: Authenticator;
  readonly routes: readonly HttpRoute[];
}

export interface AuthDeps {
  /** An open, migrated database: the embedded key lives there. */
  readonly db: Knex;
  readonly log: Logger;
  readonly clock?: () => Date;
  /** Where to mirror the embedded private key for `npm run token` (PGlite on disk only). */
  readonly keyFile?: string | undefined;
  /** How long an unknown `kid` waits before the remote key set is fetched again. */
  readonly jwksCooldownMs?: number;
}

/** Builds the authenticator from the configured key source; refuses to start when the key is unusable. */
export async function createAuth(config: AuthConfig, deps: AuthDeps): Promise<Auth> {
  const { verifier, publicKeys } = await keySource(config, deps);
  return {
    authenticate: createJwtAuthenticator({
      verifier,
      issuer: config.issuer,
      audience: config.audience,
      clockToleranceSeconds: config.clockToleranceSeconds,
      log: deps.log,
      ...(deps.clock && { clock: deps.clock }),
    }),
    routes: [createJwksRoute(publicKeys)],
  };
}

async function keySource(config: AuthConfig, deps: AuthDeps): Promise<{ verifier: TokenVerifier; publicKeys: JWK[] }> {
  const source = config.key;
  switch (source.kind) {
    case 'hs256':
      return { verifier: hs256Verifier(source.secret), publicKeys: [] };
    case 'public-key':
      return { verifier: await publicKeyFileVerifier(source.file), publicKeys: [] };
    case 'jwks':
      return {
        verifier: jwksVerifier(source.url, deps.jwksCooldownMs === undefined ? {} : { cooldownMs: deps.jwksCooldownMs }),
        publicKeys: [],
      };
    case 'embedded': {
      const key = await ensureSigningKey(deps.db, (deps.clock ?? (() => new Date()))());
      if (deps.keyFile) await writeSigningKeyFile(deps.keyFile, key.privateJwk);
      deps.log.info({ kid: key.kid }, 'using the embedded signing key');
      return { verifier: localJwksVerifier([key.publicJwk]), publicKeys: [key.publicJwk] };
    }
    default:
      return source satisfies never;
  }
}
