import { describe, expect, it } from 'vitest';
import { keepMaskedSecrets, maskChainSecrets } from '../../src/commands/webhook-configs/chain-step-secrets.js';
import { isSecretName } from '../../src/domain/is-secret-name.js';

const stored = [
  {
    commandName: 'ForwardWebhookCommand',
    parameters: {
      url: 'https://core.example/hook',
      headers: { 'X-Anything': 'h1' },
      targets: [{ name: 'a', accessToken: 't1' }],
      Password: 'p1',
      empty: { secret: '' },
    },
  },
];

describe('chain-step secrets', () => {
  it('recognise credential names case-insensitively, and only those', () => {
    for (const name of [
      'Authorization',
      'token',
      'access_token',
      'X-Api-Key',
      'apikey',
      'client_secret',
      'sig',
      'Signature',
      'PASSWORD',
      'Cookie',
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['url', 'amount', 'author', 'reference', 'key', 'page']) expect(isSecretName(name), name).toBe(false);
  });

  it('mask header values and credential-named values at any depth, inside arrays too', () => {
    expect(maskChainSecrets(stored)[0]!.parameters).toEqual({
      url: 'https://core.example/hook',
      headers: { 'X-Anything': '****' },
      targets: [{ name: 'a', accessToken: '****' }],
      Password: '****',
      empty: { secret: '' },
    });
  });

  it('keep the stored value where the mask comes back, take new values as sent, and refuse a mask with nothing stored', () => {
    const sent = maskChainSecrets(stored);
    expect(keepMaskedSecrets(sent, stored)).toEqual(stored);
    const changed = [{ ...sent[0]!, parameters: { ...sent[0]!.parameters, Password: 'p2' } }];
    expect(keepMaskedSecrets(changed, stored)[0]!.parameters.Password).toBe('p2');
    // Another command at that step keeps nothing: a mask there is refused.
    expect(() => keepMaskedSecrets([{ ...sent[0]!, commandName: 'EchoCommand' }], stored)).toThrow(
      expect.objectContaining({ code: 'invalid_argument' }),
    );
  });
});
