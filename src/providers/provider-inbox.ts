import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { acceptEvent, type AcceptDeps } from '../delivery/accept-event.js';
import type { ConfigCache } from '../delivery/config-cache.js';
import { resolveClientIp, type TrustedProxies } from '../router/client-ip.js';
import { redactHeaders, redacted } from '../router/redact-headers.js';
import { unrepresentableBody } from '../router/unrepresentable-body.js';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import type { Provider, ProviderRequest, TrustOutcome } from './provider.js';

/** A request to a fixed endpoint as the transport hands it over; the body is read only once the caller is admitted. */
export interface IncomingNotification {
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names, repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly peerAddress: string;
  /** The request's x-request-id (given or generated at the edge). */
  readonly requestId?: string;
  readBody(): Promise<{ kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' }>;
}

/** What a notification can come to; the transport maps each kind to a status. */
export type NotificationResult =
  | { readonly kind: 'received'; readonly eventIds: readonly number[]; readonly repeated: boolean }
  | { readonly kind: 'not_configured'; readonly reason: string }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'invalid_body'; readonly error: string }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'unavailable' };

export interface ProviderInboxDeps extends AcceptDeps {
  readonly configs: ConfigCache;
  readonly trustedProxies: TrustedProxies;
}

/** The fixed endpoints' producer for the accept step. */
export interface ProviderInbox {
  receive(provider: Provider, notification: IncomingNotification): Promise<NotificationResult>;
}

/**
 * Admits the caller (before reading the body), verifies the raw body, parses the provider's
 * notifications, then accepts each as an async event for the enabled configuration with the
 * provider's reserved key (or `stored` without one). Answers once every item is committed.
 */
export function createProviderInbox(deps: ProviderInboxDeps): ProviderInbox {
  return {
    async receive(provider, notification) {
      try {
        return await receive(deps, provider, notification);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        deps.log.warn({ err: error, source: provider.source }, 'store unavailable; notification refused with 503');
        return { kind: 'unavailable' };
      }
    },
  };
}

async function receive(
  deps: ProviderInboxDeps,
  provider: Provider,
  notification: IncomingNotification,
): Promise<NotificationResult> {
  const receivedAt = deps.clock();
  const clientIp = resolveClientIp(notification.peerAddress, notification.headers['x-forwarded-for'], deps.trustedProxies);
  const request: ProviderRequest = { headers: notification.headers, query: notification.query, clientIp };
  const admitted = provider.admit(request);
  if (!admitted.ok) return refuse(deps, provider, clientIp, admitted, notification.requestId);
  const read = await notification.readBody();
  if (read.kind !== 'ok') return read;
  const verified = provider.verify(request, read.body);
  if (!verified.ok) return refuse(deps, provider, clientIp, verified, notification.requestId);

  let body: JsonValue;
  try {
    body = JSON.parse(read.body.toString('utf8')) as JsonValue;
  } catch {
    return { kind: 'invalid_body', error: 'The body is not valid JSON' };
  }
  const unrepresentable = unrepresentableBody(body);
  if (unrepresentable) return { kind: 'invalid_body', error: unrepresentable };
  const parsed = provider.parse(body, read.body);
  if (!parsed.ok) return { kind: 'invalid_body', error: parsed.error };

  const config = (await deps.configs.routes()).byKey(provider.reservedKey);
  const headers = redactHeaders(notification.headers, []);
  const query = Object.fromEntries(
    Object.entries(notification.query).map(([name, value]) => [name, provider.secretQuery.includes(name) ? redacted : value]),
  );
  // Accepted side by side, the items of one notification are written by one statement (group commit).
  const outcomes = await Promise.all(
    parsed.items.map((item, index) => {
      const trace: JsonObject = {
        match: {
          source: provider.source,
          key: provider.reservedKey,
          configId: config?.id ?? null,
          version: config?.version ?? null,
          by: 'reserved-key',
        },
        ip: { clientIp },
        ...admitted.trace,
        ...verified.trace,
        ...(parsed.items.length > 1 && { batch: { index, count: parsed.items.length } }),
      };
      return acceptEvent(deps, {
        source: provider.source,
        config,
        configKey: provider.reservedKey,
        method: 'POST',
        path: provider.path,
        headers,
        query,
        rawBody: item.rawBody,
        clientIp,
        receivedAt,
        idempotency: { key: item.idempotencyKey, source: item.keySource },
        responseMode: 'async',
        fields: item.fields,
        requestId: notification.requestId ?? null,
        trace,
      });
    }),
  );
  return {
    kind: 'received',
    eventIds: outcomes.map((outcome) => outcome.eventId),
    repeated: outcomes.some((outcome) => 'repeated' in outcome && outcome.repeated),
  };
}

function refuse(
  deps: ProviderInboxDeps,
  provider: Provider,
  clientIp: string,
  outcome: Extract<TrustOutcome, { ok: false }>,
  requestId: string | undefined,
): NotificationResult {
  deps.log.info({ source: provider.source, clientIp, reason: outcome.reason, requestId }, 'provider notification refused');
  return outcome.refusal === 'not_configured' ? { kind: 'not_configured', reason: outcome.reason } : { kind: outcome.refusal };
}
