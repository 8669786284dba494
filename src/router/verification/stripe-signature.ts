import { createHmac } from 'node:crypto';
import { failed, matchesAny, passed, timestampProblem, type Verifier } from './verifier.js';

/**
 * Stripe-style: header (default `stripe-signature`) `t=<unix>,v1=<hex>[,v1=<hex>...]`, where each v1 is
 * HMAC-SHA256 of `${t}.${body}` with the secret as given.
 */
export const stripeSignature: Verifier = ({ rawBody, headers, settings, now }) => {
  const header = settings.header.toLowerCase() || 'stripe-signature';
  const value = headers[header];
  if (!value) return failed(`missing ${header} header`);
  const pairs = value.split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]);
  const timestamp = pairs.find(([name]) => name === 't')?.[1];
  const problem = timestampProblem(timestamp, settings, now);
  if (problem) return failed(problem);
  const given = pairs.filter(([name, v]) => name === 'v1' && v).map(([, v]) => v!.toLowerCase());
  if (given.length === 0) return failed('no v1 signature');
  const signed = Buffer.concat([Buffer.from(`${timestamp}.`), rawBody]);
  const expected = settings.secrets.map((secret) => createHmac('sha256', secret).update(signed).digest('hex'));
  return given.map((signature) => matchesAny(signature, expected)).includes(true) ? passed : failed('signature does not match');
};
