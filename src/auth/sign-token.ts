import { importJWK, SignJWT, type JWK } from 'jose';
import type { Permission } from '../domain/permissions.js';

/** What signs a token: the embedded key's private JWK, or the shared HS256 secret. */
export type SigningMaterial = { readonly kind: 'jwk'; readonly jwk: JWK } | { readonly kind: 'hs256'; readonly secret: string };

export interface TokenClaims {
  readonly subject: string;
  readonly permissions: readonly Permission[];
  /** A time span: "90s", "15m", "1h", "7d". */
  readonly ttl: string;
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
}

/** Signs an operator token with `sub`, `scope`, `iat`, `nbf`, `exp` (and `iss`/`aud` when given). */
export async function signToken(material: SigningMaterial, claims: TokenClaims, now: Date): Promise<string> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const jwt = new SignJWT({ scope: claims.permissions.join(' ') })
    .setSubject(claims.subject)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(expiresAt(issuedAt, claims.ttl));
  if (claims.issuer !== undefined) jwt.setIssuer(claims.issuer);
  if (claims.audience !== undefined) jwt.setAudience(claims.audience);
  switch (material.kind) {
    case 'jwk':
      return jwt
        .setProtectedHeader({ alg: material.jwk.alg ?? 'EdDSA', typ: 'JWT', ...(material.jwk.kid && { kid: material.jwk.kid }) })
        .sign(await importJWK(material.jwk, material.jwk.alg ?? 'EdDSA'));
    case 'hs256':
      return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(material.secret));
    default:
      return material satisfies never;
  }
}

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 };

/** `exp` for a span like "1h"; throws on anything else. */
export function expiresAt(issuedAt: number, ttl: string): number {
  const match = /^(\d+)\s*([smhd])$/.exec(ttl.trim());
  if (!match) throw new Error(`TTL "${ttl}" must look like 90s, 15m, 1h or 7d`);
  return issuedAt + Number(match[1]) * unitSeconds[match[2]!]!;
}
