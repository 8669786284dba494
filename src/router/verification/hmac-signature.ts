import { createHmac } from 'node:crypto';
import { failed, matchesAny, passed, type Signer, type Verifier } from './verifier.js';

/**
 * HMAC over the raw body, sent in `header` (default `x-signature`) as hex (default) or base64, after
 * an optional `prefix` such as `sha256=`. Any stored secret may have signed it (rotation).
 */
export function hmacSignature(algorithm: 'sha256' | 'sha512'): Verifier {
  return ({ rawBody, headers, settings }) => {
    const header = settings.header.toLowerCase() || 'x-signature';
    const value = headers[header]?.trim();
    if (!value) return failed(`missing ${header} header`);
    if (settings.prefix && !value.startsWith(settings.prefix))
      return failed(`signature does not start with "${settings.prefix}"`);
    const given = value.slice(settings.prefix.length).trim();
    const encoding = encodingOf(settings.encoding);
    const expected = settings.secrets.map((secret) => hmacOf(algorithm, secret, rawBody, encoding));
    const normalized = encoding === 'hex' ? given.toLowerCase() : given;
    return matchesAny(normalized, expected) ? passed : failed('signature does not match');
  };
}

/** The sender's side: `header` (default `x-signature`) set to the prefix and the HMAC of the body with the first secret. */
export function hmacSigner(algorithm: 'sha256' | 'sha512'): Signer {
  return ({ rawBody, settings }) => {
    const header = settings.header.toLowerCase() || 'x-signature';
    return {
      [header]: `${settings.prefix}${hmacOf(algorithm, settings.secrets[0] ?? '', rawBody, encodingOf(settings.encoding))}`,
    };
  };
}

function encodingOf(encoding: string): 'hex' | 'base64' {
  return encoding === 'base64' ? 'base64' : 'hex';
}

/** The HMAC both sides compute. */
function hmacOf(algorithm: 'sha256' | 'sha512', secret: string, rawBody: Buffer, encoding: 'hex' | 'base64'): string {
  return createHmac(algorithm, secret).update(rawBody).digest(encoding);
}
