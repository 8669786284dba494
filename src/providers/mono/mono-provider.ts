import type { Provider } from '../provider.js';
import { parseMonoEvent } from './parse-mono-event.js';
import { verifyMonoSecret } from './verify-mono-secret.js';

/** `POST /api/webhooks/mono/callback`, trusted through `MONO_WEBHOOK_SECRET`. */
export function createMonoProvider(settings: { readonly webhookSecret: string | undefined }): Provider {
  const secret = settings.webhookSecret;
  return {
    source: 'mono',
    path: '/api/webhooks/mono/callback',
    reservedKey: 'mono-callback',
    secretQuery: [],
    admit: () =>
      secret ? { ok: true, trace: {} } : { ok: false, refusal: 'not_configured', reason: 'MONO_WEBHOOK_SECRET is not set' },
    verify(request, rawBody) {
      if (!secret) return { ok: false, refusal: 'not_configured', reason: 'MONO_WEBHOOK_SECRET is not set' };
      const header = request.headers['mono-webhook-secret'];
      const form = verifyMonoSecret(header, secret, rawBody);
      if (form) return { ok: true, trace: { verification: { scheme: 'mono-webhook-secret', form, passed: true } } };
      return {
        ok: false,
        refusal: 'unauthorized',
        reason: header ? 'mono-webhook-secret does not match' : 'mono-webhook-secret is missing',
      };
    },
    parse: parseMonoEvent,
  };
}
