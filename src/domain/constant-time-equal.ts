import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether a secret sent by a caller equals the expected one, in time that depends on neither value
 * nor on their lengths: both are hashed to 32 bytes before the comparison. Every comparison of a
 * secret, token or signature in the service goes through here.
 */
export function constantTimeEqual(given: string | Buffer, expected: string | Buffer): boolean {
  const digest = (value: string | Buffer) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
