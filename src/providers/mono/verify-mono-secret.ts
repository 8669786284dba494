import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../domain/constant-time-equal.js';

/**
 * Mono's `mono-webhook-secret` header: the shared secret itself, or (as some Mono integrations
 * send) the hex HMAC-SHA512 of the raw body keyed with it. Both compared in constant time.
 */
export function verifyMonoSecret(
  header: string | undefined,
  secret: string,
  rawBody: Buffer,
): 'secret' | 'hmac-sha512' | undefined {
  if (header === undefined || header === '') return undefined;
  const hmac = createHmac('sha512', secret).update(rawBody).digest('hex');
  // Both comparisons always run, so the time taken does not tell which form was tried.
  const isSecret = constantTimeEqual(header, secret);
  const isHmac = constantTimeEqual(header.trim().toLowerCase(), hmac);
  return isSecret ? 'secret' : isHmac ? 'hmac-sha512' : undefined;
}
