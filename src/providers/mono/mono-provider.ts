import { sourceCatalog } from '../../sources/source-catalog.js';
import { sourceVerification } from '../../sources/source-verification.js';
import type { ProviderPreset } from '../provider-preset.js';
import { parseMonoEvent } from './parse-mono-event.js';

/**
 * `POST /api/webhooks/mono/callback`: the source catalog's Mono entry (the `mono-webhook-secret` scheme) with
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
    // The catalog's Mono entry: the same scheme a configuration naming `source: "mono"` gets.
    verification: secret ? sourceVerification(sourceCatalog.mono, [secret]) : null,
    parse: parseMonoEvent,
  };
}
