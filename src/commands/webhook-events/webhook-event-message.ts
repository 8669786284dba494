import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { ValueSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { WebhookEventAttemptSchema, WebhookEventSchema } from '../../../gen/bpm/webhooks/v1/webhook_event_pb.js';
import { bodyPreviewBytes, type EventAttempt, type ListedWebhookEvent, type WebhookEvent } from '../../domain/webhook-event.js';

/**
 * The API form of a stored event: one read by id has its whole body and its attempts, one from a
 * list only the body's preview and length.
 */
export function toWebhookEventMessage(
  event: WebhookEvent | ListedWebhookEvent,
  attempts: readonly EventAttempt[] = [],
): MessageInitShape<typeof WebhookEventSchema> {
  return {
    id: BigInt(event.id),
    ...(event.configId !== null && { configId: BigInt(event.configId) }),
    key: event.configKey,
    ...(event.configVersion !== null && { configVersion: event.configVersion }),
    source: event.source,
    method: event.method,
    path: event.path,
    headers: { ...event.headers },
    query: { ...event.query },
    ...bodyFields(event),
    clientIp: event.clientIp,
    receivedAt: timestampFromDate(event.receivedAt),
    idempotencyKey: event.idempotencyKey ?? '',
    requestId: event.requestId ?? '',
    responseMode: event.responseMode,
    status: event.status,
    attemptCount: event.attempts,
    maxAttempts: event.maxAttempts,
    ...(event.status === 'queued' && event.availableAt && { nextAttemptAt: timestampFromDate(event.availableAt) }),
    ...(event.completedAt && { completedAt: timestampFromDate(event.completedAt) }),
    ...(event.status === 'succeeded' && { result: value(event.result) }),
    errors: [...(event.errors ?? [])],
    trace: event.trace,
    fields: event.fields ?? {},
    attempts: attempts.map(toAttemptMessage),
  };
}

function bodyFields(event: WebhookEvent | ListedWebhookEvent) {
  if ('bodyPreview' in event) {
    return { bodyPreview: event.bodyPreview.toString('utf8'), bodyBytes: event.bodyBytes };
  }
  return {
    body: event.rawBody.toString('utf8'),
    bodyPreview: event.rawBody.subarray(0, bodyPreviewBytes).toString('utf8'),
    bodyBytes: event.rawBody.length,
  };
}

function toAttemptMessage(attempt: EventAttempt): MessageInitShape<typeof WebhookEventAttemptSchema> {
  return {
    attempt: attempt.attempt,
    worker: attempt.worker,
    ...(attempt.configVersion !== null && { configVersion: attempt.configVersion }),
    startedAt: timestampFromDate(attempt.startedAt),
    ...(attempt.finishedAt && { finishedAt: timestampFromDate(attempt.finishedAt) }),
    durationMs: attempt.durationMs ?? 0,
    outcome: attempt.outcome,
    errors: [...(attempt.errors ?? [])],
    ...(attempt.logs !== null && { logs: value(attempt.logs) }),
    ...(attempt.steps !== null && { steps: value(attempt.steps) }),
  };
}

function value(json: JsonValue | null) {
  return fromJson(ValueSchema, json ?? null);
}
