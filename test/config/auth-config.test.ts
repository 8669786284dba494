import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

const secret32 = 'abcdefghijklmnopqrstuvwxyz012345';

describe('authentication settings', () => {
  it('defaults to the embedded key with a 30 s clock tolerance and no issuer or audience', () => {
    expect(loadConfig({}).auth).toEqual({
      key: { kind: 'embedded' },
      issuer: undefined,
      audience: undefined,
      clockToleranceSeconds: 30,
    });
  });

  it('reads each key source, the issuer, the audience and the tolerance', () => {
    expect(loadConfig({ AUTH_HS256_SECRET: secret32 }).auth.key).toEqual({ kind: 'hs256', secret: secret32 });
    expect(loadConfig({ AUTH_PUBLIC_KEY_FILE: '/etc/keys/issuer.pem' }).auth.key).toEqual({
      kind: 'public-key',
      file: '/etc/keys/issuer.pem',
    });
    expect(
      loadConfig({
        AUTH_JWKS_URL: 'https://login.bank.test/.well-known/jwks.json',
        AUTH_ISSUER: 'https://login.bank.test/',
        AUTH_AUDIENCE: 'bpm-webhooks',
        AUTH_CLOCK_TOLERANCE_SECONDS: '5',
      }).auth,
    ).toEqual({
      key: { kind: 'jwks', url: 'https://login.bank.test/.well-known/jwks.json' },
      issuer: 'https://login.bank.test/',
      audience: 'bpm-webhooks',
      clockToleranceSeconds: 5,
    });
  });

  it('refuses to boot with an HS256 secret under 32 bytes', () => {
    expect(() => loadConfig({ AUTH_HS256_SECRET: secret32.slice(1) })).toThrow(
      'Invalid configuration: AUTH_HS256_SECRET: must be at least 32 bytes',
    );
  });

  it('refuses to boot with a placeholder left in place of a secret, such as the one compose.yaml used to carry', () => {
    expect(() => loadConfig({ AUTH_HS256_SECRET: 'change-me-to-a-secret-of-at-least-32-bytes' })).toThrow(
      /AUTH_HS256_SECRET: is a placeholder, not a secret/,
    );
    expect(() => loadConfig({ METRICS_TOKEN: 'replace-me-with-a-token' })).toThrow(/METRICS_TOKEN: is a placeholder/);
  });

  it('refuses to boot with more than one key source', () => {
    expect(() => loadConfig({ AUTH_HS256_SECRET: secret32, AUTH_PUBLIC_KEY_FILE: '/k.pem' })).toThrow(
      /set at most one of AUTH_HS256_SECRET, AUTH_PUBLIC_KEY_FILE and AUTH_JWKS_URL/,
    );
    expect(() => loadConfig({ AUTH_JWKS_URL: 'https://a.test/jwks', AUTH_PUBLIC_KEY_FILE: '/k.pem' })).toThrow(/at most one/);
  });

  it('refuses a key set URL that is not http(s)', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/AUTH_JWKS_URL/);
  });
});
