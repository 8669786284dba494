import type { VerificationSettings } from '../../domain/webhook-config.js';
import { verifyRequest } from '../../router/verification/verifiers.js';
import type { Provider } from '../provider.js';
import { parseMonoEvent } from './parse-mono-event.js';

/** `POST /api/webhooks/mono/callback`, trusted through `MONO_WEBHOOK_SECRET`. */
export function createMonoProvider(settings: { readonly webhookSecret: string | undefined }): Provider {
  const secret = settings.webhookSecret;
  const verification: VerificationSettings | undefined = secret
    ? {
        scheme: 'mono-webhook-secret',
        secrets: [secret],
        header: 'mono-webhook-secret',
        prefix: '',
        encoding: 'hex',
        toleranceSeconds: null,
      }
    : undefined;
  return {
    source: 'mono',
    path: '/api/webhooks/mono/callback',
    reservedKey: 'mono-callback',
    secretQuery: [],
    admit: () =>
      secret ? { ok: true, trace: {} } : { ok: false, refusal: 'not_configured', reason: 'MONO_WEBHOOK_SECRET is not set' },
    verify(request, rawBody) {
      if (!verification) return { ok: false, refusal: 'not_configured', reason: 'MONO_WEBHOOK_SECRET is not set' };
      const outcome = verifyRequest({ rawBody, headers: request.headers, settings: verification, now: new Date() });
      if (!outcome.ok) return { ok: false, refusal: 'unauthorized', reason: outcome.reason };
      return { ok: true, trace: { verification: { scheme: verification.scheme, form: outcome.form ?? null, passed: true } } };
    },
    parse: parseMonoEvent,
  };
}
