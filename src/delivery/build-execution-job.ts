import type { JsonValue } from '@bufbuild/protobuf';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { WebhookEvent } from '../domain/webhook-event.js';
import type { ExecutionJob } from '../executors/execution-job.js';
import { bodyFormatOf, parseBody } from '../router/parse-body.js';

/**
 * What the executors need to run an event with a configuration: self-contained, no store. `body`
 * is the body ingress already parsed (a sync event's first attempt); without it, the stored bytes
 * are parsed again the way ingress parsed them.
 */
export function buildExecutionJob(event: WebhookEvent, config: WebhookConfig, body?: JsonValue): ExecutionJob {
  return {
    configId: config.id,
    configVersion: config.version,
    target: config.target,
    timeoutMs: config.timeoutMs ?? undefined,
    responseMode: event.responseMode === 'async' ? 'async' : 'sync',
    permissions: config.authority,
    context: {
      body: body === undefined ? storedBody(event) : body,
      rawBody: event.rawBody.toString('utf8'),
      headers: { ...event.headers },
      query: { ...event.query },
      method: event.method,
      path: event.path,
      key: config.key,
      clientIp: event.clientIp,
      eventId: event.id,
      receivedAt: event.receivedAt.toISOString(),
      attempt: event.attempts,
      fields: event.fields ?? {},
    },
  };
}

/** The body parsed again from the stored bytes, the same way ingress parsed it (JSON always, for a provider). */
function storedBody(event: WebhookEvent): JsonValue {
  const mediaType =
    event.source === 'router' ? (event.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() : 'application/json';
  const parsed = parseBody(bodyFormatOf(mediaType) ?? 'text', event.rawBody);
  return parsed.ok ? parsed.body : event.rawBody.toString('utf8');
}
