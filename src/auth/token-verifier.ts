import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JWK,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';

/** A key (or key set) and the only JWS algorithms it may be used with: no `none`, no HS/RS confusion. */
export interface TokenVerifier {
  verify(token: string, options: JWTVerifyOptions): Promise<JWTVerifyResult>;
}

const rsaAlgorithms = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const ecAlgorithmByCurve: Record<string, string> = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' };
const edAlgorithms = ['EdDSA', 'Ed25519'];
const asymmetricAlgorithms = [...rsaAlgorithms, ...Object.values(ecAlgorithmByCurve), ...edAlgorithms];

/** A shared HS256 secret. */
export function hs256Verifier(secret: string): TokenVerifier {
  const key = new TextEncoder().encode(secret);
  return verifier(['HS256'], (token, options) => jwtVerify(token, key, options));
}

/** A PEM public key (RSA, EC or Ed25519) read from a file; its type decides the algorithms. */
export async function publicKeyFileVerifier(file: string): Promise<TokenVerifier> {
  let key: KeyObject;
  try {
    key = createPublicKey(await readFile(file, 'utf8'));
  } catch (error) {
    throw new Error(`AUTH_PUBLIC_KEY_FILE: cannot read a PEM public key from ${file}: ${(error as Error).message}`);
  }
  const algorithms = algorithmsForKey(key);
  if (algorithms.length === 0) {
    throw new Error(
      `AUTH_PUBLIC_KEY_FILE: ${key.asymmetricKeyType} keys are not supported; use RSA, EC (P-256/384/521) or Ed25519`,
    );
  }
  return verifier(algorithms, (token, options) => jwtVerify(token, key, options));
}

/**
 * A remote key set: fetched on first use, cached, and fetched again when a token names an unknown
 * `kid` (at most once per cooldown, so unknown kids cannot make us hammer the issuer).
 */
export function jwksVerifier(url: string, options: { cooldownMs?: number; timeoutMs?: number } = {}): TokenVerifier {
  const keySet = createRemoteJWKSet(new URL(url), {
    cooldownDuration: options.cooldownMs ?? 30_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return verifier(asymmetricAlgorithms, (token, verifyOptions) =>
    jwtVerify(token, keySet, verifyOptions).catch((error: unknown) => {
      throw isFetchFailure(error) ? new KeySetUnavailableError(url, { cause: error }) : error;
    }),
  );
}

/** The issuer's key set did not answer (or answered nonsense): our problem, not the caller's token. */
export class KeySetUnavailableError extends Error {
  override readonly name = 'KeySetUnavailableError';
  constructor(url: string, options: { cause: unknown }) {
    super(`The key set at ${url} cannot be fetched`, options);
  }
}

function isFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true; // fetch itself failed (refused, DNS, reset)
  return error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || error.code === 'ERR_JOSE_GENERIC';
}

/** Public JWKs held in memory: the service's own embedded key. */
export function localJwksVerifier(keys: readonly JWK[]): TokenVerifier {
  const keySet = createLocalJWKSet({ keys: [...keys] });
  return verifier(edAlgorithms, (token, options) => jwtVerify(token, keySet, options));
}

function verifier(algorithms: string[], verify: TokenVerifier['verify']): TokenVerifier {
  return { verify: (token, options) => verify(token, { ...options, algorithms }) };
}

function algorithmsForKey(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return rsaAlgorithms;
    case 'rsa-pss':
      return rsaAlgorithms.filter((alg) => alg.startsWith('PS'));
    case 'ec': {
      const algorithm = ecAlgorithmByCurve[key.asymmetricKeyDetails?.namedCurve ?? ''];
      return algorithm ? [algorithm] : [];
    }
    case 'ed25519':
      return edAlgorithms;
    default:
      return [];
  }
}
