/** Headers that carry credentials or signatures in every scheme we know. */
const alwaysSecret = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'x-api-key',
  'webhook-signature',
  'stripe-signature',
  'x-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'mono-webhook-secret',
]);

export const redacted = '[redacted]';

/** The headers as stored and handed to executors: secrets replaced by "[redacted]", the config's own header too. */
export function redactHeaders(
  headers: Readonly<Record<string, string>>,
  secretHeaders: readonly string[],
): Record<string, string> {
  const extra = new Set(secretHeaders.map((name) => name.toLowerCase()));
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, alwaysSecret.has(name) || extra.has(name) ? redacted : value]),
  );
}
