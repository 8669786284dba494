import type { JsonValue } from '@bufbuild/protobuf';
import type { IntakeEvent, ParsedBody, WebhookSource } from '../delivery/webhook-source.js';
import type { ProviderPreset } from './provider-preset.js';

/**
 * A provider preset as a source of the one inbox: its events go to the enabled configuration with
 * its reserved key (none: they are stored only), always async, deduplicated per provider. The body
 * is read as JSON whatever its content type, as the providers send it.
 */
export function providerSource(preset: ProviderPreset): WebhookSource {
  return {
    name: preset.source,
    resolve(_webhook, routes) {
      const config = routes.byKey(preset.reservedKey);
      return {
        kind: 'matched',
        source: preset.source,
        config,
        configKey: preset.reservedKey,
        responseMode: 'async',
        match: {
          source: preset.source,
          key: preset.reservedKey,
          configId: config?.id ?? null,
          version: config?.version ?? null,
          by: 'reserved-key',
        },
        refusalScope: { source: preset.source },
        admit: (caller) => preset.admit(caller),
        bodyParser: () => parseJsonBody,
        verification: preset.verification,
        events(body, rawBody) {
          const parsed = preset.parse(body, rawBody);
          if (!parsed.ok) return parsed;
          const count = parsed.items.length;
          const events = parsed.items.map(
            (item, index): IntakeEvent => ({
              rawBody: item.rawBody,
              idempotency: { key: item.idempotencyKey, source: item.keySource },
              responseMode: 'async',
              fields: item.fields,
              ...(count > 1 && { trace: { batch: { index, count } } }),
            }),
          );
          const [first, ...others] = events;
          return first ? { ok: true, events: [first, ...others] } : { ok: false, error: 'The body holds no notification' };
        },
      };
    },
  };
}

function parseJsonBody(rawBody: Buffer): ParsedBody {
  try {
    return { ok: true, body: JSON.parse(rawBody.toString('utf8')) as JsonValue };
  } catch {
    return { ok: false, error: 'The body is not valid JSON' };
  }
}
