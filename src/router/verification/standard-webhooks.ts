import { createHmac } from 'node:crypto';
import { failed, matchesAny, passed, timestampProblem, type Verifier } from './verifier.js';

/**
 * Standard Webhooks (standardwebhooks.com): HMAC-SHA256 of `${webhook-id}.${webhook-timestamp}.${body}`
 * with the base64 secret (after `whsec_`), sent base64 as space-separated `v1,<signature>` entries.
 */
export const standardWebhooks: Verifier = ({ rawBody, headers, settings, now }) => {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !signatures) return failed('missing webhook-id or webhook-signature header');
  const problem = timestampProblem(timestamp, settings, now);
  if (problem) return failed(problem);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), rawBody]);
  const expected = settings.secrets.map((secret) =>
    createHmac('sha256', Buffer.from(secret.replace(/^whsec_/, ''), 'base64')).update(signed).digest('base64'),
  );
  const given = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice(3));
  if (given.length === 0) return failed('no v1 signature');
  return given.map((signature) => matchesAny(signature, expected)).includes(true) ? passed : failed('signature does not match');
};
