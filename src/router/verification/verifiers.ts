import type { ConfigurableScheme } from '../../domain/proto-lists.js';
import type { VerificationSettings } from '../../domain/webhook-config.js';
import { apiKey } from './api-key.js';
import { basicAuth } from './basic-auth.js';
import { hmacSignature } from './hmac-signature.js';
import { secretOrHmacSha512 } from './secret-or-hmac-sha512.js';
import { standardWebhooks, standardWebhooksWith } from './standard-webhooks.js';
import { stripeSignature } from './stripe-signature.js';
import { failed, type VerificationInput, type VerificationOutcome, type Verifier } from './verifier.js';

/** The schemes a configuration may name in its `verification`, one verifier for each value of the VerificationScheme enum. */
const configurableVerifiers = {
  'hmac-sha256': hmacSignature('sha256'),
  'hmac-sha512': hmacSignature('sha512'),
  'standard-webhooks': standardWebhooks,
  stripe: stripeSignature,
  basic: basicAuth,
  'api-key': apiKey,
} as const satisfies Record<ConfigurableScheme, Verifier>;

/**
 * A source's own convention, named by its entry in the source catalog (src/sources/source-catalog.ts)
 * or its provider preset (src/providers/), and not offered to configurations on its own.
 */
const presetVerifiers = {
  'mono-webhook-secret': secretOrHmacSha512,
  svix: standardWebhooksWith('svix-'),
} as const satisfies Record<string, Verifier>;

/** Every verification scheme by name, for configurations and provider presets alike. Adding a scheme is adding a line here. */
export const verifiers = { ...configurableVerifiers, ...presetVerifiers } as const satisfies Record<string, Verifier>;

export type VerificationScheme = keyof typeof verifiers;
/** The headers a scheme reads its credential from: redacted before the event is stored. */
export function secretHeadersOf(settings: VerificationSettings | null): string[] {
  return settings?.header ? [settings.header.toLowerCase()] : [];
}

/** Runs the configured scheme; an unknown scheme (an old row) fails closed. */
export function verifyRequest(input: VerificationInput): VerificationOutcome {
  const verifier = (verifiers as Record<string, Verifier>)[input.settings.scheme];
  if (!verifier) return failed(`unknown verification scheme "${input.settings.scheme}"`);
  if (input.settings.secrets.length === 0) return failed('no secret is configured');
  return verifier(input);
}
