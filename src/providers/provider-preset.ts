import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Caller, TrustOutcome } from '../delivery/webhook-source.js';
import type { VerificationSettings } from '../domain/webhook-config.js';

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
 * A source with a fixed endpoint, as data for the one inbox (provider-source.ts): who may call, its
 * scheme in the verifier catalog, its body parser, its dedup key, its reserved configuration key.
 * The inbox does the rest, as for the router's configurations: refusals stored as `rejected`,
 * traces, metrics, the accept step (store, dedup, answer, dispatch), store outages.
 */
export interface ProviderPreset {
  /** The event source, e.g. `mono`. */
  readonly source: string;
  /** The request path it answers, e.g. `/api/webhooks/mono/callback`. */
  readonly path: string;
  /** The configuration key its events dispatch to. */
  readonly reservedKey: string;
  /** Checks that need no body (configured secret, caller address, URL token); run before the body is read. */
  admit(caller: Caller): TrustOutcome;
  /** Its scheme of the verifier catalog with the configured secret, checked over the raw bytes; null: none. */
  readonly verification: VerificationSettings | null;
  /** The notifications in a parsed JSON body, each with its dedup key, or why it is not one. */
  parse(body: JsonValue, rawBody: Buffer): { ok: true; items: ProviderItem[] } | { ok: false; error: string };
}
