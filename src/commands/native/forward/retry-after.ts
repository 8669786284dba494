/** The longest back-off a forward target can ask for with Retry-After. */
export const maxRetryAfterMs = 60 * 60 * 1_000;

/**
 * How long a target that answered `status` asks to be left alone, in ms: only a 429 or 503 with a
 * Retry-After of delay-seconds or an HTTP date (RFC 9110 section 10.2.3), at least a second and at
 * most an hour. Undefined for anything else, including a header that is neither form.
 */
export function parseRetryAfter(status: number, header: string | undefined, now: Date): number | undefined {
  if ((status !== 429 && status !== 503) || header === undefined) return undefined;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1_000 : parseHttpDate(value, now);
  if (ms === undefined || !Number.isFinite(ms)) return undefined;
  return Math.min(maxRetryAfterMs, Math.max(1_000, ms));
}

function parseHttpDate(value: string, now: Date): number | undefined {
  // An IMF-fixdate or one of the obsolete forms Date.parse reads; a bare number was handled above.
  if (!/[a-z]/i.test(value)) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : at - now.getTime();
}
