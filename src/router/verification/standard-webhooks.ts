import { createHmac } from 'node:crypto';
import { decodeStandardWebhooksKey } from './standard-webhooks-key.js';
import { failed, matchesAny, passed, type Signer, timestampProblem, type Verifier } from './verifier.js';

/**
 * Standard Webhooks (standardwebhooks.com): HMAC-SHA256 of `${id}.${timestamp}.${body}` with the
 * base64 secret (after `whsec_`), sent base64 as space-separated `v1,<signature>` entries, in the
 * headers `<prefix>id`, `<prefix>timestamp` and `<prefix>signature`: `webhook-` for the spec, `svix-`
 * for Svix, which signs the same way under its own names. A secret that decodes to no key is
 * skipped, never used as an empty HMAC key that anyone can sign with.
 */
export function standardWebhooksWith(headerPrefix: 'webhook-' | 'svix-'): Verifier {
  return ({ rawBody, headers, settings, now }) => {
    const id = headers[`${headerPrefix}id`];
    const timestamp = headers[`${headerPrefix}timestamp`];
    const signatures = headers[`${headerPrefix}signature`];
    if (!id || !signatures) return failed(`missing ${headerPrefix}id or ${headerPrefix}signature header`);
    const problem = timestampProblem(timestamp, settings, now);
    if (problem) return failed(problem);
    const keys = settings.secrets
      .map(decodeStandardWebhooksKey)
      .filter((key): key is Buffer => key !== undefined && key.length > 0);
    if (keys.length === 0) return failed('no secret decodes to a signing key');
    const expected = keys.map((key) => signStandardWebhook(key, id, timestamp ?? '', rawBody));
    const given = signatures
      .split(' ')
      .filter((entry) => entry.startsWith('v1,'))
      .map((entry) => entry.slice(3));
    if (given.length === 0) return failed('no v1 signature');
    return given.map((signature) => matchesAny(signature, expected)).includes(true) ? passed : failed('signature does not match');
  };
}

/** The spec's own header names (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
export const standardWebhooks: Verifier = standardWebhooksWith('webhook-');

/** The base64 HMAC-SHA256 of `${id}.${timestamp}.${body}`: what a `v1,` entry of `webhook-signature` carries. */
export function signStandardWebhook(key: Buffer, id: string, timestamp: string, body: Buffer | string): string {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
}

/** The sender's side under `<prefix>id`, `<prefix>timestamp` and `<prefix>signature`, keyed with the first secret. */
export function standardWebhooksSignerWith(headerPrefix: 'webhook-' | 'svix-'): Signer {
  return ({ rawBody, settings, now, messageId }) => {
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const key = decodeStandardWebhooksKey(settings.secrets[0] ?? '') ?? Buffer.alloc(0);
    return {
      [`${headerPrefix}id`]: messageId,
      [`${headerPrefix}timestamp`]: timestamp,
      [`${headerPrefix}signature`]: `v1,${signStandardWebhook(key, messageId, timestamp, rawBody)}`,
    };
  };
}
