import type { ProviderPreset } from '../provider-preset.js';
import { parseMonoEvent } from './parse-mono-event.js';

/**
 * `POST /api/webhooks/mono/callback`: the `mono-webhook-secret` scheme of the verifier catalog with
 * `MONO_WEBHOOK_SECRET` (unset: every call is answered 503 before its body is read).
 */
export function createMonoProvider(settings: { readonly webhookSecret: string | undefined }): ProviderPreset {
  const secret = settings.webhookSecret;
  return {
    source: 'mono',
    path: '/api/webhooks/mono/callback',
    reservedKey: 'mono-callback',
    admit: () =>
      secret ? { ok: true, trace: {} } : { ok: false, refusal: 'not_configured', reason: 'MONO_WEBHOOK_SECRET is not set' },
    verification: secret
      ? {
          scheme: 'mono-webhook-secret',
          secrets: [secret],
          header: 'mono-webhook-secret',
          prefix: '',
          encoding: 'hex',
          toleranceSeconds: null,
        }
      : null,
    parse: parseMonoEvent,
  };
}
