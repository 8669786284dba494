import { create, fromJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ExecutionRequestSchema, type ExecutionRequest } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { executionTargetFields, type WebhookConfig } from '../domain/webhook-config.js';
import type { WebhookEvent } from '../domain/webhook-event.js';
import { bodyFormatOf, parseBody } from '../router/parse-body.js';

/** What the ExecutionService needs to run an event with a configuration: self-contained, no store. */
export function toExecutionRequest(event: WebhookEvent, config: WebhookConfig): ExecutionRequest {
  return create(ExecutionRequestSchema, {
    configId: BigInt(config.id),
    configVersion: config.version,
    ...executionTargetFields(config),
    responseMode: event.responseMode,
    context: {
      body: fromJson(ValueSchema, storedBody(event)),
      rawBody: event.rawBody,
      headers: { ...event.headers },
      query: { ...event.query },
      method: event.method,
      path: event.path,
      key: config.key,
      clientIp: event.clientIp,
      eventId: BigInt(event.id),
      receivedAt: timestampFromDate(event.receivedAt),
      attempt: event.attempts,
      fields: event.fields ?? {},
    },
  });
}

/** The body parsed again from the stored bytes, the same way ingress parsed it (JSON always, for a provider). */
function storedBody(event: WebhookEvent): JsonValue {
  const mediaType =
    event.source === 'router' ? (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() : 'application/json';
  const parsed = parseBody(bodyFormatOf(mediaType) ?? 'text', event.rawBody);
  return parsed.ok ? parsed.body : event.rawBody.toString('utf8');
}
