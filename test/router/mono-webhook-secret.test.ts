import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyRequest } from '../../src/router/verification/verifiers.js';

// The HMAC is made here with node:crypto from Mono's description, not with src/.
const secret = 'sec_live_7f3a9c2e1b8d4f6a';
const rawBody = Buffer.from('{"event":"direct_debit.payment_successful","data":{"amount":2500000}}');
const settings = {
  scheme: 'mono-webhook-secret',
  secrets: [secret],
  header: 'mono-webhook-secret',
  prefix: '',
  encoding: 'hex',
  toleranceSeconds: null,
};
const verify = (value: string | undefined, secrets = [secret]) =>
  verifyRequest({
    rawBody,
    headers: value === undefined ? {} : { 'mono-webhook-secret': value },
    settings: { ...settings, secrets },
    now: new Date(),
  });
const hmac = (key: string, body: Buffer = rawBody) => createHmac('sha512', key).update(body).digest('hex');

describe('the mono-webhook-secret scheme of the verifier catalog', () => {
  it('accepts the secret itself and the hex HMAC-SHA512 of the raw body (any case), naming the form that passed', () => {
    expect(verify(secret)).toEqual({ ok: true, form: 'secret' });
    expect(verify(hmac(secret))).toEqual({ ok: true, form: 'hmac-sha512' });
    expect(verify(` ${hmac(secret).toUpperCase()} `)).toEqual({ ok: true, form: 'hmac-sha512' });
  });

  it('refuses a wrong secret, an HMAC of other bytes or with another key, and a missing header', () => {
    expect(verify('sec_live_guess')).toEqual({ ok: false, reason: 'mono-webhook-secret does not match' });
    expect(verify(hmac(secret, Buffer.from('{}')))).toMatchObject({ ok: false });
    expect(verify(hmac('sec_live_other'))).toMatchObject({ ok: false });
    expect(verify(undefined)).toEqual({ ok: false, reason: 'mono-webhook-secret is missing' });
    expect(verify('')).toMatchObject({ ok: false });
  });

  it('accepts either of two secrets during a rotation, and fails closed with none', () => {
    expect(verify(hmac('sec_live_new'), [secret, 'sec_live_new'])).toEqual({ ok: true, form: 'hmac-sha512' });
    expect(verify(secret, [])).toEqual({ ok: false, reason: 'no secret is configured' });
  });
});
