import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { VerificationSettings, WebhookConfig } from '../domain/webhook-config.js';
import type { RouteTable } from '../router/route-table.js';
import type { RefusalScope } from '../store/refused-requests.js';
import type { VerifiedEvent } from './accept-event.js';
import type { IncomingWebhook } from './incoming-webhook.js';

/** Where a request came in: the dynamic router, or a provider preset's fixed endpoint. */
export interface WebhookSource {
  /** The name its metrics and log lines carry: `router`, or the provider's source (`mono`, ...). */
  readonly name: string;
  /** What the request is for among the enabled configurations, or why it is for nothing. */
  resolve(webhook: IncomingWebhook, routes: RouteTable): Intake | { readonly kind: 'not_found' } | MethodNotAllowed;
}

type MethodNotAllowed = { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] };

/** What a source may check of its caller before the body is read. */
export interface Caller {
  /** The caller's address, through TRUSTED_PROXIES. */
  readonly clientIp: string;
  readonly query: Readonly<Record<string, string>>;
}

/** A trust decision: passed (with what the trace should say), or refused and why (the reason is logged and traced, never sent). */
export type TrustOutcome =
  | { readonly ok: true; readonly trace: JsonObject }
  | {
      readonly ok: false;
      readonly refusal: 'not_configured' | 'forbidden' | 'unauthorized';
      readonly reason: string;
      readonly trace?: JsonObject;
    };

/** A body as the source parses it, or why it cannot be. */
export type ParsedBody = { readonly ok: true; readonly body: JsonValue } | { readonly ok: false; readonly error: string };

/** One event a request carries, as the accept step takes it. */
export type IntakeEvent = Pick<VerifiedEvent, 'rawBody' | 'idempotency' | 'responseMode'> &
  Partial<Pick<VerifiedEvent, 'fields' | 'body' | 'orderingKey' | 'awaitOutcomeMs'>> & {
    /** Added to the event's trace (e.g. its place in a batch). */
    readonly trace?: JsonObject;
  };

/**
 * A request's way through the one inbox once its source knows what it is for: who may call, how
 * the body is checked and read, and which events it holds. Everything else (client IP, body limit,
 * verification with the catalog, redaction, refusals stored as `rejected`, traces, the accept
 * step, store outages) is the inbox's, the same for every source.
 */
export interface Intake {
  readonly kind: 'matched';
  /** The events' `source` column: `router`, `mono`, `remita-payment`, `remita-collection`. */
  readonly source: string;
  /** The configuration that runs its events; none stores them only (a provider without its reserved-key configuration). */
  readonly config: WebhookConfig | undefined;
  /** The configuration's key, or the provider's reserved key. */
  readonly configKey: string;
  /** Its events' configured response mode (a router event may still be queued: ordered, paused); stored on its rejected events. */
  readonly responseMode: 'sync' | 'async';
  /** The trace's `match` entry: how the request found its configuration. */
  readonly match: JsonObject;
  /** Whom its refused requests are counted for (REFUSED_STORED_PER_MINUTE). */
  readonly refusalScope: RefusalScope;
  /** Checks that need no body (caller address, a configured secret, a URL token): run before the body is read. */
  admit(caller: Caller): TrustOutcome;
  /** The parser for a body of this media type; undefined when the source does not take it (415). */
  bodyParser(mediaType: string): ((rawBody: Buffer) => ParsedBody) | undefined;
  /** Checked over the raw bytes by the verifier catalog (router/verification/verifiers.ts); null: none. */
  readonly verification: VerificationSettings | null;
  /** The events in a parsed body, each with its dedup key, or why the body is not what the source sends. */
  events(
    body: JsonValue,
    rawBody: Buffer,
    headers: Readonly<Record<string, string>>,
  ):
    | { readonly ok: true; readonly events: readonly [IntakeEvent, ...IntakeEvent[]] }
    | { readonly ok: false; readonly error: string };
}
