import { describe, expect, it } from 'vitest';
import type { VerificationSettings } from '../../src/domain/webhook-config.js';
import { signers, signRequest } from '../../src/router/verification/signers.js';
import { verifiers, verifyRequest } from '../../src/router/verification/verifiers.js';
import { sourceCatalog, sourceNames } from '../../src/sources/source-catalog.js';
import { sourceVerification } from '../../src/sources/source-verification.js';

const now = new Date('2026-12-14T10:00:00.000Z');
const body = Buffer.from('{"event":"charge.success","data":{"id":42,"amount":2500}}');
const whsec = (fill: number) => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;

/** A secret of the form each scheme needs. */
const secretFor = (scheme: string, n: number) =>
  scheme === 'standard-webhooks' || scheme === 'svix' ? whsec(n) : scheme === 'basic' ? `user${n}:pass${n}` : `secret-${n}`;

const settingsOf = (scheme: string, fields: Partial<VerificationSettings> = {}): VerificationSettings => ({
  scheme,
  secrets: [secretFor(scheme, 1), secretFor(scheme, 2)],
  header: '',
  prefix: '',
  encoding: '',
  toleranceSeconds: null,
  ...fields,
});

/** Signs with `signed` and verifies with `checked` (the same settings unless said), as the service would on receipt. */
function roundTrip(signed: VerificationSettings, options: { checked?: VerificationSettings; rawBody?: Buffer; at?: Date } = {}) {
  const headers = signRequest(signed, body, now);
  if (!headers) throw new Error(`no signer for ${signed.scheme}`);
  return verifyRequest({
    rawBody: options.rawBody ?? body,
    headers,
    settings: options.checked ?? signed,
    now: options.at ?? now,
  });
}

const tampered = Buffer.from(body.toString().replace('2500', '9999'));
/** Schemes whose credential does not cover the body: a changed body still passes them. */
const bodyBlind = new Set(['basic', 'api-key']);
const timestamped = new Set(['stripe', 'standard-webhooks', 'svix']);

describe('the signer of every verification scheme, against its own verifier', () => {
  it('has one signer per verifier', () => {
    expect(Object.keys(signers).sort()).toEqual(Object.keys(verifiers).sort());
  });

  describe.each(Object.keys(verifiers))('%s', (scheme) => {
    const settings = settingsOf(scheme);

    it('passes with the first secret, and with it among others', () => {
      expect(roundTrip(settings)).toMatchObject({ ok: true });
      expect(
        roundTrip(settings, { checked: { ...settings, secrets: [secretFor(scheme, 3), settings.secrets[0]!] } }),
      ).toMatchObject({
        ok: true,
      });
    });

    it('fails under another secret', () => {
      expect(roundTrip(settings, { checked: { ...settings, secrets: [secretFor(scheme, 3)] } })).toMatchObject({ ok: false });
    });

    it.skipIf(bodyBlind.has(scheme))('fails for a changed body', () => {
      expect(roundTrip(settings, { rawBody: tampered })).toMatchObject({ ok: false });
    });

    it.skipIf(!timestamped.has(scheme))('fails once its timestamp is older than the tolerance', () => {
      expect(roundTrip(settings, { at: new Date(now.getTime() + 301_000) })).toMatchObject({ ok: false });
    });
  });

  it('honours a configured header, prefix and encoding', () => {
    const github = settingsOf('hmac-sha256', { header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex' });
    const headers = signRequest(github, body, now)!;
    expect(Object.keys(headers)).toEqual(['x-hub-signature-256']);
    expect(headers['x-hub-signature-256']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(roundTrip(settingsOf('hmac-sha512', { header: 'x-sig', encoding: 'base64' }))).toMatchObject({ ok: true });
    expect(roundTrip(settingsOf('api-key', { header: 'authorization', prefix: 'Bearer ' }))).toMatchObject({ ok: true });
  });

  it('signs nothing for an unknown scheme or without a secret', () => {
    expect(signRequest(settingsOf('rot13'), body, now)).toBeUndefined();
    expect(signRequest({ ...settingsOf('stripe'), secrets: [] }, body, now)).toBeUndefined();
  });
});

describe('the signer of every catalog source that signs, against the source verification', () => {
  const signing = sourceNames.filter((name) => sourceCatalog[name].verification !== null);

  it.each(signing)('%s', (name) => {
    const scheme = sourceCatalog[name].verification!.scheme;
    const settings = sourceVerification(sourceCatalog[name], [secretFor(scheme, 1)])!;
    expect(roundTrip(settings)).toMatchObject({ ok: true });
    expect(roundTrip(settings, { checked: { ...settings, secrets: [secretFor(scheme, 2)] } })).toMatchObject({ ok: false });
    if (!bodyBlind.has(scheme)) expect(roundTrip(settings, { rawBody: tampered })).toMatchObject({ ok: false });
  });

  it('covers every source but those that sign nothing', () => {
    expect(sourceNames.filter((name) => !signing.includes(name))).toEqual(['remita-payment', 'remita-collection']);
  });
});
