import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../domain/constant-time-equal.js';
import { failed, type Signer, type Verifier } from './verifier.js';

/**
 * Mono's `mono-webhook-secret`: the header (`header`) carries the shared secret itself, or (as some
 * Mono integrations send) the hex HMAC-SHA512 of the raw body keyed with it. Every secret is compared
 * both ways, always, so the time taken does not tell which form or which secret was tried.
 */
export const secretOrHmacSha512: Verifier = ({ rawBody, headers, settings }) => {
  const header = settings.header.toLowerCase() || 'mono-webhook-secret';
  const value = headers[header];
  if (value === undefined || value === '') return failed(`${header} is missing`);
  const signature = value.trim().toLowerCase();
  const forms = settings.secrets.flatMap((secret) => [
    constantTimeEqual(value, secret) ? 'secret' : undefined,
    constantTimeEqual(signature, monoHmacOf(secret, rawBody)) ? 'hmac-sha512' : undefined,
  ]);
  const form = forms.find((found) => found !== undefined);
  return form ? { ok: true, form } : failed(`${header} does not match`);
};

/** The sender's side, in the signed form (the plain-secret form would put the secret on the wire). */
export const secretOrHmacSha512Signer: Signer = ({ rawBody, settings }) => ({
  [settings.header.toLowerCase() || 'mono-webhook-secret']: monoHmacOf(settings.secrets[0] ?? '', rawBody),
});

function monoHmacOf(secret: string, rawBody: Buffer): string {
  return createHmac('sha512', secret).update(rawBody).digest('hex');
}
