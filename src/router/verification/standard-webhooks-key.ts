/** The spec's shortest signing key (it allows 24 to 64 bytes); configurations must meet it. */
export const minStandardWebhooksKeyBytes = 24;

/**
 * The HMAC key of a Standard Webhooks secret: the base64 after an optional `whsec_`. Undefined when
 * the text is not base64, because Node decodes anything, and "whsec_" or stray text would otherwise
 * give an empty or guessable key with which anyone can sign.
 */
export function decodeStandardWebhooksKey(secret: string): Buffer | undefined {
  const text = secret.replace(/^whsec_/, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return undefined;
  const key = Buffer.from(text, 'base64');
  // Round-trip: refuses impossible lengths and stray bits that the decoder would silently drop.
  return key.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '') ? key : undefined;
}
