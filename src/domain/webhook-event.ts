import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { EventStatus } from './proto-lists.js';

/** What a provider's notification can be searched by (all optional; the router stores none). */
export interface SearchableFields {
  /** The provider's event name, e.g. `direct_debit.payment_successful`. */
  readonly event?: string;
  readonly accountId?: string;
  readonly mandateId?: string;
  readonly customerId?: string;
  /** The provider's payment or transaction reference (Remita's RRR, a transaction reference). */
  readonly reference?: string;
  /** Minor units (kobo), an integer. */
  readonly amountKobo?: number;
}

/** A response a result asks to send to the webhook's caller as is (handshakes, challenges). */
export interface DirectHttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: JsonValue;
}

/** An event as the inbox stores it when it is received. */
export interface NewWebhookEvent {
  readonly configId: number | null;
  readonly configKey: string;
  readonly configVersion: number | null;
  readonly source: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
  readonly clientIp: string;
  readonly receivedAt: Date;
  readonly idempotencyKey: string | null;
  readonly responseMode: string;
  readonly status: EventStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly availableAt: Date | null;
  readonly leaseOwner: string | null;
  /** The decisions taken on the way in: match, ip, verification, dedup. */
  readonly trace: JsonObject;
  /** A provider's normalised fields, the searchable ones among them; none for the router. */
  readonly fields?: JsonObject;
  /** The x-request-id of the request that brought it (given or generated). */
  readonly requestId?: string | null;
  /** Its ordering key scoped by configuration (`<config id>:<key>`), kept on its queue row only. */
  readonly orderingKey?: string | null;
}

export interface WebhookEvent extends NewWebhookEvent {
  readonly id: number;
  readonly requestId: string | null;
  readonly result: JsonValue | null;
  readonly errors: readonly string[] | null;
  readonly httpResponse: DirectHttpResponse | null;
  readonly completedAt: Date | null;
}

/** How much of a body an event list carries. */
export const bodyPreviewBytes = 1024;

/** An event as a list shows it: the body cut to `bodyPreviewBytes` (in SQL), with its full length. */
export interface ListedWebhookEvent extends Omit<WebhookEvent, 'rawBody'> {
  readonly bodyPreview: Buffer;
  readonly bodyBytes: number;
}

/** `deferred`: the target answered 429 or 503 with Retry-After; the attempt is not counted against maxAttempts. */
export const attemptOutcomes = ['running', 'succeeded', 'failed', 'interrupted', 'deferred'] as const;
export type AttemptOutcome = (typeof attemptOutcomes)[number];

/** One execution of an event. */
export interface EventAttempt {
  readonly id: number;
  readonly eventId: number;
  readonly attempt: number;
  readonly worker: string;
  readonly configVersion: number | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly durationMs: number | null;
  readonly outcome: AttemptOutcome;
  readonly errors: readonly string[] | null;
  readonly logs: JsonValue | null;
  readonly steps: JsonValue | null;
}
