import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { ValueSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { WebhookEventAttemptSchema, WebhookEventSchema } from '../../../gen/bpm/webhooks/v1/webhook_event_pb.js';
import type { EventAttempt, WebhookEvent } from '../../domain/webhook-event.js';

/** The API form of a stored event; attempts only when given (reading one event). */
export function toWebhookEventMessage(
  event: WebhookEvent,
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
    body: event.rawBody.toString('utf8'),
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
    attempts: attempts.map(toAttemptMessage),
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
