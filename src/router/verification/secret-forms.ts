import { randomBytes } from 'node:crypto';
import { decodeStandardWebhooksKey, minStandardWebhooksKeyBytes } from './standard-webhooks-key.js';
import type { VerificationScheme } from './verifiers.js';

/** A new secret for a rotation must be at least this long, whatever its scheme (a guessable one is no secret). */
export const minRotatedSecretLength = 16;

/** How a scheme's secret looks: what a rotation generates, and what it refuses of a given one (one sentence each). */
interface SecretForm {
  /** A new strong random secret; `current` are the secrets it replaces (Basic keeps their user name). */
  generate(current: readonly string[]): string;
  problems(secret: string): string[];
}

/** 32 random bytes (256 bits): the HMAC-SHA256 block's worth of key, beyond any guessing. */
const randomHex = () => randomBytes(32).toString('hex');

/** `whsec_` and the base64 of 32 random bytes: the Standard Webhooks form (24 to 64 bytes), which Svix shares. */
const standardWebhooksSecret: SecretForm = {
  generate: () => `whsec_${randomBytes(32).toString('base64')}`,
  problems(secret) {
    const key = decodeStandardWebhooksKey(secret);
    return key && key.length >= minStandardWebhooksKeyBytes
      ? []
      : [`Secret must be base64 (optionally after "whsec_") of at least ${minStandardWebhooksKeyBytes} bytes`];
  },
};

/** Any text: the key is used as its bytes. */
const plainSecret: SecretForm = { generate: randomHex, problems: () => [] };

/**
 * Every scheme's form; a scheme added to the verifier catalog without one fails compilation. The
 * generated form is what the sender pastes: hex for keys used as text, `whsec_` where the scheme's
 * secrets carry it.
 */
export const secretForms = {
  'hmac-sha256': plainSecret,
  'hmac-sha512': plainSecret,
  'standard-webhooks': standardWebhooksSecret,
  svix: standardWebhooksSecret,
  // Stripe's own form (`whsec_` and letters and digits), used as the HMAC key whole.
  stripe: { generate: () => `whsec_${randomHex()}`, problems: () => [] },
  'api-key': plainSecret,
  'mono-webhook-secret': plainSecret,
  basic: {
    generate: (current) => `${current[0]?.split(':')[0] || 'webhook'}:${randomHex()}`,
    problems: (secret) => (secret.includes(':') ? [] : ['Secret must be "user:password" for basic']),
  },
} as const satisfies Record<VerificationScheme, SecretForm>;

/** What is wrong with a secret given for a rotation, one sentence each; never echoes it. */
export function rotatedSecretProblems(scheme: VerificationScheme, secret: string): string[] {
  if (secret.trim() === '') return ['Secret must not be blank (leave it empty to have one generated)'];
  const problems = secret.length < minRotatedSecretLength ? [`Secret must be at least ${minRotatedSecretLength} characters`] : [];
  return [...problems, ...secretForms[scheme].problems(secret)];
}
