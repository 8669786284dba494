import { randomUUID } from 'node:crypto';
import type { VerificationSettings } from '../../domain/webhook-config.js';
import { apiKeySigner } from './api-key.js';
import { basicAuthSigner } from './basic-auth.js';
import { hmacSigner } from './hmac-signature.js';
import { secretOrHmacSha512Signer } from './secret-or-hmac-sha512.js';
import { standardWebhooksSignerWith } from './standard-webhooks.js';
import { stripeSigner } from './stripe-signature.js';
import type { Signer } from './verifier.js';
import type { VerificationScheme } from './verifiers.js';

/**
 * Every verification scheme's sender side, by the same names as the verifiers: a scheme without a
 * signer does not compile, and test/router/signers.test.ts checks each against its own verifier.
 * Used by the test sender (SendTestWebhookCommand), inside the service, where the secrets are.
 */
export const signers = {
  'hmac-sha256': hmacSigner('sha256'),
  'hmac-sha512': hmacSigner('sha512'),
  'standard-webhooks': standardWebhooksSignerWith('webhook-'),
  stripe: stripeSigner,
  basic: basicAuthSigner,
  'api-key': apiKeySigner,
  'mono-webhook-secret': secretOrHmacSha512Signer,
  svix: standardWebhooksSignerWith('svix-'),
} as const satisfies Record<VerificationScheme, Signer>;

/**
 * The headers that make `rawBody` pass `settings` at `now`, signed with its first secret; undefined for
 * a scheme this service does not know (an old row) or without a secret.
 */
export function signRequest(
  settings: VerificationSettings,
  rawBody: Buffer,
  now: Date,
  messageId: string = `msg_${randomUUID()}`,
): Record<string, string> | undefined {
  const signer = (signers as Record<string, Signer>)[settings.scheme];
  if (!signer || settings.secrets.length === 0) return undefined;
  return signer({ rawBody, settings, now, messageId });
}
