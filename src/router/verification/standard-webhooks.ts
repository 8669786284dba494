import { createHmac } from 'node:crypto';
import { decodeStandardWebhooksKey } from './standard-webhooks-key.js';
import { failed, matchesAny, passed, timestampProblem, type Verifier } from './verifier.js';

/**
 * Standard Webhooks (standardwebhooks.com): HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}`
 * with the base64 secret (after `whsec_`), sent base64 as space-separated `v1,<signature>` entries.
 * A secret that decodes to no key is skipped, never used as an empty HMAC key that anyone can sign with.
 */
export const standardWebhooks: Verifier = ({ rawBody, headers, settings, now }) => {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !signatures) return failed('missing webhook-id or webhook-signature header');
  const problem = timestampProblem(timestamp, settings, now);
  if (problem) return failed(problem);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]);
  const keys = settings.secrets
    .map(decodeStandardWebhooksKey)
    .filter((key): key is Buffer => key !== undefined && key.length > 0);
  if (keys.length === 0) return failed('no secret decodes to a signing key');
  const expected = keys.map((key) => createHmac('sha256', key).update(signed).digest('base64'));
  const given = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  if (given.length === 0) return failed('no v1 signature');
  return given.map((signature) => matchesAny(signature, expected)).includes(true) ? passed : failed('signature does not match');
};
