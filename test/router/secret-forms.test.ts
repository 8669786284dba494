import { describe, expect, it } from 'vitest';
import { rotatedSecretProblems, secretForms } from '../../src/router/verification/secret-forms.js';
import { decodeStandardWebhooksKey } from '../../src/router/verification/standard-webhooks-key.js';
import { verifiers } from '../../src/router/verification/verifiers.js';

const schemes = Object.keys(secretForms) as (keyof typeof secretForms)[];

describe('the secret a rotation generates', () => {
  it('has a form for every scheme of the verifier catalog', () => {
    expect([...schemes].sort()).toEqual(Object.keys(verifiers).sort());
  });

  it.each(schemes)('for %s is fresh each time and passes the checks a given one must pass', (scheme) => {
    const current = ['bank:old-password'];
    const [first, second] = [secretForms[scheme].generate(current), secretForms[scheme].generate(current)];
    expect(first).not.toBe(second);
    expect(rotatedSecretProblems(scheme, first)).toEqual([]);
  });

  it('is whsec_ and the base64 of 32 random bytes for Standard Webhooks and Svix', () => {
    for (const scheme of ['standard-webhooks', 'svix'] as const) {
      const secret = secretForms[scheme].generate([]);
      expect(secret).toMatch(/^whsec_/);
      expect(decodeStandardWebhooksKey(secret)).toHaveLength(32);
    }
  });

  it('keeps the Basic user name and falls back to "webhook" without one', () => {
    expect(secretForms.basic.generate(['bank:old'])).toMatch(/^bank:[0-9a-f]{64}$/);
    expect(secretForms.basic.generate([])).toMatch(/^webhook:[0-9a-f]{64}$/);
  });

  it('refuses a given secret that is blank, short, or not of its scheme’s form, never echoing it', () => {
    expect(rotatedSecretProblems('hmac-sha256', ' \t ')).toEqual([
      'Secret must not be blank (leave it empty to have one generated)',
    ]);
    expect(rotatedSecretProblems('api-key', 'fifteen-chars!!')).toEqual(['Secret must be at least 16 characters']);
    expect(rotatedSecretProblems('basic', 'no-colon-in-this-secret')).toEqual(['Secret must be "user:password" for basic']);
    expect(rotatedSecretProblems('standard-webhooks', `whsec_${Buffer.alloc(16).toString('base64')}`)).toEqual([
      'Secret must be base64 (optionally after "whsec_") of at least 24 bytes',
    ]);
  });
});
