import type { JsonObject } from '@bufbuild/protobuf';
import { context, type Link, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { WebhookEvent } from '../domain/webhook-event.js';
import { contextFromHeaders, traceHeadersOf } from './trace-context.js';
import { inSpan, offSpan, type Tracing } from './tracing.js';

/**
 * The spans of an event's life, after the messaging semantic conventions: the webhook service is
 * the messaging system, a configuration's key the destination, an event the message.
 */
const messagingSystem = 'bpm_webhooks';

/** Where an event's creation context is kept: its trace JSON, `traceContext: {traceparent, tracestate}`. */
export const traceContextField = 'traceContext';

/**
 * The `send` (producer) span of storing an event. Its W3C context goes into the event's trace JSON
 * before `store` writes it, so every later attempt, after an hour or a restart, links back to it.
 */
export function inSendSpan<T extends { readonly id: number } | undefined>(
  tracing: Tracing | undefined,
  event: { readonly configKey: string; readonly trace: JsonObject },
  store: () => Promise<T>,
): Promise<T> {
  if (!tracing) return store();
  const attributes = messagingAttributes('send', event.configKey);
  return inSpan(tracing, `send ${event.configKey}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    // `trace` is the object the event is stored with: the context must be in it before the insert.
    event.trace[traceContextField] = traceHeadersOf(tracing, span);
    const stored = await store();
    if (stored) span.setAttribute('messaging.message.id', String(stored.id));
    else span.setAttribute('bpm_webhooks.outcome', 'repeated');
    return stored;
  });
}

/**
 * The `process` (consumer) span of one attempt, linked to the event's creation context. Under a
 * request (a sync webhook) it is that request's child; a worker's attempt has no ambient context
 * and continues the creation's trace, so every attempt of an event is in one trace.
 */
export function inProcessSpan<T>(
  tracing: Tracing | undefined,
  event: Pick<WebhookEvent, 'id' | 'configKey' | 'attempts' | 'trace'>,
  mode: 'sync' | 'async',
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (!tracing) return fn(offSpan);
  const stored = event.trace[traceContextField];
  const creation = contextFromHeaders(
    tracing,
    typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? stored : {},
  );
  const created = trace.getSpanContext(creation);
  const links: Link[] = created ? [{ context: created }] : [];
  const active = context.active();
  const parent = trace.getSpan(active) ? active : creation;
  const attributes = {
    ...messagingAttributes('process', event.configKey),
    'messaging.message.id': String(event.id),
    'bpm_webhooks.attempt': event.attempts,
    'bpm_webhooks.response_mode': mode,
  };
  return inSpan(tracing, `process ${event.configKey}`, { kind: SpanKind.CONSUMER, links, attributes }, fn, parent);
}

/** The `settle` span of a dead letter: the event's attempts ran out and it is stored dead. */
export function inSettleSpan<T>(
  tracing: Tracing | undefined,
  event: Pick<WebhookEvent, 'id' | 'configKey' | 'attempts'>,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracing) return fn();
  const attributes = {
    ...messagingAttributes('settle', event.configKey),
    'messaging.message.id': String(event.id),
    'bpm_webhooks.attempt': event.attempts,
    'bpm_webhooks.outcome': 'dead',
  };
  return inSpan(tracing, `settle ${event.configKey}`, { kind: SpanKind.INTERNAL, attributes }, fn);
}

function messagingAttributes(operation: 'send' | 'process' | 'settle', configKey: string) {
  return {
    'messaging.system': messagingSystem,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    'messaging.destination.name': configKey,
  };
}
