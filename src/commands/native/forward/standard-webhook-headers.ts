import type { JsonObject } from '@bufbuild/protobuf';
import { decodeStandardWebhooksKey, minStandardWebhooksKeyBytes } from '../../../router/verification/standard-webhooks-key.js';
import { signStandardWebhook } from '../../../router/verification/standard-webhooks.js';

/** The parameter naming the Standard Webhooks secret a forward signs with (`whsec_` + base64). */
export const signingSecretParameter = 'signingSecret';

/**
 * Standard Webhooks headers for a forward, so its target can drop repeats and verify the sender:
 * `webhook-id` is the event id (the same on every attempt and replay), `webhook-timestamp` the
 * send time, and `webhook-signature` (`v1,<base64>`) when the step names a signing secret. The
 * request's `x-request-id` and `traceparent` are passed on (with tracing on, the forward span's
 * `traceparent` replaces the latter: see inForwardSpan).
 */
export function standardWebhookHeaders(
  input: { json: JsonObject; parameters: JsonObject; requestId: string },
  body: string,
  now: Date,
): Record<string, string> {
  const incoming = asStrings(input.json.headers);
  const id = eventIdOf(input.json, input.requestId);
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const secret = input.parameters[signingSecretParameter];
  const key = typeof secret === 'string' ? decodeStandardWebhooksKey(secret) : undefined;
  return {
    ...(id && { 'webhook-id': id }),
    'webhook-timestamp': timestamp,
    ...(id && key && { 'webhook-signature': `v1,${signStandardWebhook(key, id, timestamp, body)}` }),
    ...(incoming['x-request-id'] && { 'x-request-id': incoming['x-request-id'] }),
    ...(incoming.traceparent && { traceparent: incoming.traceparent }),
  };
}

/** Config-time check of `parameters.signingSecret`: a Standard Webhooks key of at least 24 bytes. */
export function signingSecretProblems(parameters: Readonly<Record<string, unknown>>): string[] {
  const secret = parameters[signingSecretParameter];
  if (secret === undefined) return [];
  const key = typeof secret === 'string' ? decodeStandardWebhooksKey(secret) : undefined;
  if (key && key.length >= minStandardWebhooksKeyBytes) return [];
  return [`parameters.${signingSecretParameter} must be "whsec_" and base64 of at least ${minStandardWebhooksKeyBytes} bytes`];
}

/** The webhook's event id: from the context a chain step gets, else from the request id a webhook command runs under (`event-<id>`). */
function eventIdOf(json: JsonObject, requestId: string): string | undefined {
  if (typeof json.eventId === 'number' && json.eventId > 0) return String(json.eventId);
  return /^event-(\d+)$/.exec(requestId)?.[1];
}

function asStrings(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}
