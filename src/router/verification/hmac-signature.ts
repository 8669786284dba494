import { createHmac } from 'node:crypto';
import { failed, matchesAny, passed, type Verifier } from './verifier.js';

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
    const encoding = settings.encoding === 'base64' ? 'base64' : 'hex';
    const expected = settings.secrets.map((secret) => createHmac(algorithm, secret).update(rawBody).digest(encoding));
    const normalized = encoding === 'hex' ? given.toLowerCase() : given;
    return matchesAny(normalized, expected) ? passed : failed('signature does not match');
  };
}
