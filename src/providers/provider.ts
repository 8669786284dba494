import type { JsonObject, JsonValue } from '@bufbuild/protobuf';

/** What a provider sees of a request before and after its body is read. */
export interface ProviderRequest {
  /** Lower-case names, repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The caller's address, through TRUSTED_PROXIES. */
  readonly clientIp: string;
}

/** A trust decision: passed (with what the trace should say), or refused and why. */
export type TrustOutcome =
  | { readonly ok: true; readonly trace: JsonObject }
  | { readonly ok: false; readonly refusal: 'not_configured' | 'forbidden' | 'unauthorized'; readonly reason: string };

/** One notification of a request (a Remita array holds several): stored as one event. */
export interface ProviderItem {
  /** The bytes stored as the event's body: the request's own, or the item's JSON for an array. */
  readonly rawBody: Buffer;
  /** Unique within the provider, e.g. Mono's `event_id` or Remita's `rrr`. */
  readonly idempotencyKey: string;
  /** Where the key came from, for the trace, e.g. `body:event_id`. */
  readonly keySource: string;
  /** The normalised fields: the searchable ones (event, accountId, mandateId, customerId, reference, amountKobo) and the provider's own. */
  readonly fields: JsonObject;
}

/**
 * A fixed endpoint: its trust model, its parsing and its dedup key. The accept step does the rest
 * (store, dedup, answer, dispatch to the enabled configuration with `reservedKey`).
 */
export interface Provider {
  /** The event source, e.g. `mono`. */
  readonly source: string;
  /** The request path it answers, e.g. `/api/webhooks/mono/callback`. */
  readonly path: string;
  /** The configuration key its events dispatch to. */
  readonly reservedKey: string;
  /** Query parameters stored as "[redacted]". */
  readonly secretQuery: readonly string[];
  /** Checks that need no body (configured secret, caller address, token); runs before the body is read. */
  admit(request: ProviderRequest): TrustOutcome;
  /** Checks the exact bytes received (shared secret, signature). */
  verify(request: ProviderRequest, rawBody: Buffer): TrustOutcome;
  /** The notifications in a parsed JSON body, or why it is not one. */
  parse(body: JsonValue, rawBody: Buffer): { ok: true; items: ProviderItem[] } | { ok: false; error: string };
}

/** Trust that needs no check. */
export const trusted: TrustOutcome = { ok: true, trace: {} };
