import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { NewWebhookEvent, WebhookEvent } from '../domain/webhook-event.js';
import { inSendSpan } from '../tracing/messaging-spans.js';
import { scopedOrderingKey } from '../router/ordering-key.js';
import { storedEvent } from '../store/insert-webhook-events.js';
import { noteRepeatedDelivery } from '../store/webhook-events.js';
import type { InsertEvent } from './insert-batches.js';
import type { AcceptResult } from './accept-result.js';
import { awaitQueuedOutcome } from './await-queued-outcome.js';
import { runAttempt, type AttemptDeps } from './run-attempt.js';

/**
 * A verified, normalised event from any source (the dynamic router, a provider), ready to be
 * stored: the request as received (headers and query already redacted), where it came from
 * (`source`: `router`, `mono`, `remita-payment`, `remita-collection`), the configuration that runs
 * it if any, and a provider's normalised `fields`.
 */
export interface VerifiedEvent
  extends Pick<
    NewWebhookEvent,
    'source' | 'method' | 'path' | 'headers' | 'query' | 'rawBody' | 'clientIp' | 'receivedAt' | 'fields' | 'requestId'
  > {
  /** The configuration that runs it; none stores it only (status `stored`). */
  readonly config: WebhookConfig | undefined;
  /** The configuration's key, or the reserved key a provider dispatches to. */
  readonly configKey: string;
  /** Unique within the source (per configuration for the router); none: never deduplicated. */
  readonly idempotency: { readonly key: string; readonly source: string } | undefined;
  readonly responseMode: 'sync' | 'async';
  /** The decisions so far (match, ip, verification); the accept step adds `dedup`. */
  readonly trace: JsonObject;
  /** The body as the producer parsed it: a sync event's execution takes it as is. */
  readonly body?: JsonValue;
  /** Its key in the configuration's order: it runs after the earlier events with the same key. */
  readonly orderingKey?: string;
  /** A sync call that is queued (ordered): how long its caller waits for the outcome before a 202. */
  readonly awaitOutcomeMs?: number;
}

export interface AcceptDeps extends AttemptDeps {
  readonly defaultMaxAttempts: number;
  /** Stores an event, sync or async, grouped with concurrent accepts (see insert-batches.ts). */
  readonly insertEvent: InsertEvent;
  /** Tells the local worker an async event is waiting. */
  readonly onQueued: () => void;
}

/**
 * The one way in: commits the event before anything is answered (grouped with concurrent accepts
 * into one statement; a sync one leased with its first attempt opened), once per idempotency key (a
 * repeat is counted on the original and answered with its outcome), then runs it now (sync), leaves
 * it to the workers (async), or keeps it only (`stored`, no configuration).
 */
export async function acceptEvent(deps: AcceptDeps, event: VerifiedEvent): Promise<AcceptResult> {
  const { config, idempotency, receivedAt } = event;
  event.trace.dedup = idempotency ? { key: idempotency.key, source: idempotency.source, repeat: false } : { key: null };
  if (event.orderingKey !== undefined) event.trace.ordering = { key: event.orderingKey };
  const fields = newEventFields(deps, event);
  if (!config || event.responseMode === 'async') {
    const inserted = await inSendSpan(deps.tracing, event, () =>
      deps.insertEvent({
        ...fields,
        responseMode: 'async',
        status: config ? 'queued' : 'stored',
        attempts: 0,
        leaseOwner: null,
        availableAt: config ? receivedAt : null,
      }),
    );
    if (!inserted) return repeatOf(deps, event, idempotency!.key);
    if (config) deps.onQueued();
    if (event.awaitOutcomeMs !== undefined) return awaitQueuedOutcome(deps.db, inserted.id, event.awaitOutcomeMs);
    return { kind: 'accepted', eventId: inserted.id, repeated: false };
  }
  const running = {
    ...fields,
    responseMode: 'sync',
    status: 'processing',
    attempts: 1,
    leaseOwner: deps.workerId,
    // The lease starts when the statement is sent, not at receipt: reading a slow body must not eat into the execution's time.
    leaseMs: deps.policy.leaseMs,
  } as const;
  const inserted = await inSendSpan(deps.tracing, event, () => deps.insertEvent(running));
  if (!inserted) return repeatOf(deps, event, idempotency!.key);
  const { lease } = inserted;
  if (!lease) throw new Error(`Event ${inserted.id} was stored running without its lease`);
  const { leaseMs: _, ...stored } = { ...running, availableAt: lease.availableAt };
  const result = await runAttempt(deps, storedEvent(stored, inserted.id), 'sync', {
    leaseSince: lease.leaseSince,
    opened: { config, attemptId: lease.attemptId },
    ...(event.body !== undefined && { body: event.body }),
  });
  return result.kind === 'succeeded'
    ? { kind: 'succeeded', eventId: inserted.id, repeated: false, data: result.data, httpResponse: result.httpResponse }
    : result.kind === 'failed'
      ? { kind: 'failed', eventId: inserted.id, repeated: false, errors: result.errors }
      : { kind: 'unsettled', eventId: inserted.id };
}

/** The columns every source's event shares, before its status. */
function newEventFields(deps: AcceptDeps, event: VerifiedEvent) {
  const { config } = event;
  return {
    configId: config?.id ?? null,
    configKey: config?.key ?? event.configKey,
    configVersion: config?.version ?? null,
    source: event.source,
    method: event.method.toUpperCase(),
    path: event.path,
    headers: event.headers,
    query: event.query,
    rawBody: event.rawBody,
    clientIp: event.clientIp,
    receivedAt: event.receivedAt,
    idempotencyKey: event.idempotency?.key ?? null,
    maxAttempts: config ? (config.maxAttempts ?? deps.defaultMaxAttempts) : 0,
    trace: event.trace,
    requestId: event.requestId ?? null,
    orderingKey: config && event.orderingKey !== undefined ? scopedOrderingKey(config.id, event.orderingKey) : null,
    ...(event.fields && { fields: event.fields }),
  } satisfies Partial<NewWebhookEvent>;
}

/** A repeated idempotency key: counts the repeat on the original and answers its stored outcome. */
async function repeatOf(deps: AcceptDeps, event: VerifiedEvent, idempotencyKey: string): Promise<AcceptResult> {
  const scope = { source: event.source, configId: event.config?.id ?? null };
  return repeatOutcome(await noteRepeatedDelivery(deps.db, scope, idempotencyKey, event.receivedAt));
}

/** A repeated idempotency key: the stored outcome, without running anything. */
function repeatOutcome(event: WebhookEvent | undefined): AcceptResult {
  if (!event) throw new Error('An idempotency conflict without a stored event');
  switch (event.status) {
    case 'succeeded':
      return event.responseMode === 'async'
        ? { kind: 'accepted', eventId: event.id, repeated: true }
        : { kind: 'succeeded', eventId: event.id, repeated: true, data: event.result, httpResponse: event.httpResponse };
    case 'failed':
    case 'dead':
      return event.responseMode === 'async'
        ? { kind: 'accepted', eventId: event.id, repeated: true }
        : { kind: 'failed', eventId: event.id, repeated: true, errors: event.errors ?? [] };
    case 'queued':
    case 'processing':
      return event.responseMode === 'async'
        ? { kind: 'accepted', eventId: event.id, repeated: true }
        : { kind: 'in_progress', eventId: event.id };
    case 'stored':
      return { kind: 'accepted', eventId: event.id, repeated: true };
    case 'rejected':
      throw new Error('Rejected events carry no idempotency key');
    default:
      return event.status satisfies never;
  }
}
