import { createHmac } from 'node:crypto';
import { failed, matchesAny, passed, type Signer, timestampProblem, type Verifier } from './verifier.js';

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
  const expected = settings.secrets.map((secret) => stripeV1(secret, timestamp!, rawBody));
  return given.map((signature) => matchesAny(signature, expected)).includes(true) ? passed : failed('signature does not match');
};

/** The sender's side: `t=<now>,v1=<signature>` with the first secret. */
export const stripeSigner: Signer = ({ rawBody, settings, now }) => {
  const header = settings.header.toLowerCase() || 'stripe-signature';
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [header]: `t=${timestamp},v1=${stripeV1(settings.secrets[0] ?? '', timestamp, rawBody)}` };
};

/** HMAC-SHA256 of `${t}.${body}`, hex: what a `v1=` entry carries. */
function stripeV1(secret: string, timestamp: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}
