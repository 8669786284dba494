import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('provider settings', () => {
  it('default to nothing configured: Mono without a secret, Remita refusing every address', () => {
    expect(loadConfig({}).providers).toEqual({
      monoWebhookSecret: undefined,
      remitaAllowedIps: '',
      remitaAllowAnyIp: false,
      remitaNotificationToken: undefined,
    });
  });

  it('reads the secret, the allow-list, the any-IP switch and the token', () => {
    const env = {
      MONO_WEBHOOK_SECRET: 's',
      REMITA_ALLOWED_IPS: '10.0.0.0/8, 192.0.2.7',
      REMITA_ALLOW_ANY_IP: 'true',
      REMITA_NOTIFICATION_TOKEN: 't',
    };
    expect(loadConfig(env).providers).toEqual({
      monoWebhookSecret: 's',
      remitaAllowedIps: '10.0.0.0/8, 192.0.2.7',
      remitaAllowAnyIp: true,
      remitaNotificationToken: 't',
    });
  });

  it('refuses at boot an allow-list entry that is not an address or CIDR, and an any-IP switch that is not a boolean', () => {
    expect(() => loadConfig({ REMITA_ALLOWED_IPS: '10.0.0.0/33' })).toThrow(/REMITA_ALLOWED_IPS/);
    expect(() => loadConfig({ REMITA_ALLOW_ANY_IP: 'yes' })).toThrow(/REMITA_ALLOW_ANY_IP/);
  });
});
