import type { JsonValue } from '@bufbuild/protobuf';
import type { WebhookConfigFields } from '../../domain/webhook-config.js';
import { AppError, invalidArgument, notFound } from '../../errors.js';
import type { ExecutionContextJson } from '../../executors/execution-job.js';
import { bodyFormatOf, parseBody } from '../../router/parse-body.js';
import { findWebhookEventById } from '../../store/webhook-events.js';
import type { CommandContext } from '../command.js';
import { isStoredId } from './stored-config.js';

/**
 * The webhook context a dry run gives the configuration: a stored event's, as a replay would see it
 * (reading an event's body needs `events:read`), or one made for a given body, sent as a provider
 * would send it to the configuration's path.
 */
export async function dryRunContext(
  input: { readonly eventId?: bigint; readonly body?: string },
  config: Pick<WebhookConfigFields, 'key' | 'path' | 'action'>,
  ctx: CommandContext,
): Promise<ExecutionContextJson> {
  if (input.eventId !== undefined && input.body !== undefined) {
    throw invalidArgument('Validation failed', ['Give an event id or a body, not both']);
  }
  if (input.eventId === undefined) return bodyContext(input.body ?? '', config, ctx.clock());
  if (ctx.actor.kind !== 'operator' || !ctx.actor.permissions.has('events:read')) {
    throw new AppError('permission_denied', 'Forbidden', ['Trying a configuration with a stored event needs events:read']);
  }
  const event = isStoredId(input.eventId) ? await findWebhookEventById(ctx.db, Number(input.eventId)) : undefined;
  if (!event) throw notFound('Dry run failed', ['No webhook event found with the specified ID']);
  const mediaType = event.source === 'router' ? (event.headers['content-type'] ?? '').split(';')[0]!.trim() : 'application/json';
  return {
    body: parsed(mediaType, event.rawBody),
    rawBody: event.rawBody.toString('utf8'),
    headers: { ...event.headers },
    query: { ...event.query },
    method: event.method,
    path: event.path,
    key: config.key || event.configKey,
    clientIp: event.clientIp,
    eventId: event.id,
    receivedAt: event.receivedAt.toISOString(),
    attempt: 1,
    fields: event.fields ?? {},
  };
}

function bodyContext(
  body: string,
  config: Pick<WebhookConfigFields, 'key' | 'path' | 'action'>,
  now: Date,
): ExecutionContextJson {
  const raw = Buffer.from(body, 'utf8');
  const json = parseBody('json', raw);
  const contentType = json.ok ? 'application/json' : 'text/plain';
  return {
    body: json.ok ? json.body : body,
    rawBody: body,
    headers: { 'content-type': contentType },
    query: {},
    method: config.action || 'POST',
    path: config.path,
    key: config.key,
    clientIp: '',
    eventId: 0,
    receivedAt: now.toISOString(),
    attempt: 1,
    fields: {},
  };
}

/** The body parsed from stored bytes as ingress parsed it. */
function parsed(mediaType: string, raw: Buffer): JsonValue {
  const result = parseBody(bodyFormatOf(mediaType.toLowerCase()) ?? 'text', raw);
  return result.ok ? result.body : raw.toString('utf8');
}
