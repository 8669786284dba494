import { errors, type JWTPayload } from 'jose';
import type { Logger } from 'pino';
import { AppError } from '../errors.js';
import { actorFromClaims } from './actor-from-claims.js';
import { unauthenticated, type Authenticator } from './authenticator.js';
import { KeySetUnavailableError, type TokenVerifier } from './token-verifier.js';

export interface JwtAuthenticatorOptions {
  readonly verifier: TokenVerifier;
  /** Enforced when set. */
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly clockToleranceSeconds: number;
  readonly log: Logger;
  readonly clock?: () => Date;
}

/**
 * Verifies `Authorization: Bearer <JWT>` with jose: signature with the configured key and its
 * algorithms only, `exp`/`nbf` always, `iat` not in the future, issuer and audience when configured.
 * Every failure is the same 401; the reason goes to the log.
 */
export function createJwtAuthenticator(options: JwtAuthenticatorOptions): Authenticator {
  return async (authorization, request) => {
    const refuse = (reason: string, detail?: unknown): never => {
      options.log.info({ reason, detail, requestId: request?.requestId }, 'authentication refused');
      throw unauthenticated();
    };
    if (authorization === undefined) return refuse('no Authorization header');
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) return refuse('Authorization is not "Bearer <token>"');
    let claims: JWTPayload;
    const now = options.clock?.() ?? new Date();
    try {
      ({ payload: claims } = await options.verifier.verify(match[1]!, {
        ...(options.issuer !== undefined && { issuer: options.issuer }),
        ...(options.audience !== undefined && { audience: options.audience }),
        clockTolerance: options.clockToleranceSeconds,
        currentDate: now,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof KeySetUnavailableError) {
        options.log.error({ err: error, requestId: request?.requestId }, error.message);
        throw new AppError('unavailable', 'Service unavailable', ['Tokens cannot be verified right now; try again']);
      }
      return refuse(error instanceof errors.JOSEError ? error.code : 'token verification failed', String(error));
    }
    // jose checks `iat` only against a maximum token age; a token issued "later" was minted by a
    // skewed or hostile issuer, and would outlive the lifetime its issuer meant to give it.
    if (claims.iat !== undefined && claims.iat > now.getTime() / 1000 + options.clockToleranceSeconds) {
      return refuse('the token is issued in the future (iat)', claims.iat);
    }
    return actorFromClaims(claims) ?? refuse('the token has no sub, client_id or azp claim');
  };
}
