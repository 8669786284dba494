import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { DirectHttpResponse, NewWebhookEvent, WebhookEvent } from '../domain/webhook-event.js';
import { resolveClientIp, type TrustedProxies } from '../router/client-ip.js';
import { extractIdempotencyKey } from '../router/idempotency-key.js';
import { parseIpAllowList } from '../router/ip-allow-list.js';
import { bodyFormatOf, parseBody } from '../router/parse-body.js';
import { redactHeaders } from '../router/redact-headers.js';
import { secretHeadersOf, verifyRequest } from '../router/verification/verifiers.js';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import {
  findWebhookEventByIdempotencyKey,
  insertRunningWebhookEvent,
  insertWebhookEvent,
  noteRepeatedDelivery,
} from '../store/webhook-events.js';
import type { ConfigCache } from './config-cache.js';
import { runAttempt, type AttemptDeps } from './run-attempt.js';

/** A webhook request as the transport hands it over; the body is read only once the route allows it. */
export interface IncomingWebhook {
  readonly method: string;
  /** The path below /api/webhook/. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names, repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly peerAddress: string;
  readonly mediaType: string;
  readBody(): Promise<{ kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' }>;
}

/** Everything a webhook can come to; the transport maps each kind to a status. */
export type InboxResult =
  | { readonly kind: 'not_found' }
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'unsupported_media_type'; readonly mediaType: string }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'invalid_body'; readonly error: string }
  | { readonly kind: 'unavailable' }
  | { readonly kind: 'accepted'; readonly eventId: number; readonly repeated: boolean }
  | { readonly kind: 'in_progress'; readonly eventId: number }
  /** A sync event that ran, whose outcome could not be stored yet: the same idempotency key will answer it. */
  | { readonly kind: 'unsettled'; readonly eventId: number }
  | { readonly kind: 'succeeded'; readonly eventId: number; readonly repeated: boolean; readonly data: JsonValue; readonly httpResponse: DirectHttpResponse | null }
  | { readonly kind: 'failed'; readonly eventId: number; readonly repeated: boolean; readonly errors: readonly string[] };

export interface InboxDeps extends AttemptDeps {
  readonly configs: ConfigCache;
  readonly trustedProxies: TrustedProxies;
  readonly defaultMaxAttempts: number;
  /** Tells the local worker an async event is waiting. */
  readonly onQueued: () => void;
}

export interface Inbox {
  receive(webhook: IncomingWebhook): Promise<InboxResult>;
}

/**
 * The dynamic router's pipeline: match, IP allow-list, media type, body limit, verification,
 * parsing, idempotency; then the event is committed before anything is answered, and run now
 * (sync) or by the workers (async). A store outage answers `unavailable` and acknowledges nothing.
 */
export function createInbox(deps: InboxDeps): Inbox {
  return {
    async receive(webhook) {
      try {
        return await receive(deps, webhook);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        deps.log.warn({ err: error }, 'store unavailable; webhook refused with 503');
        return { kind: 'unavailable' };
      }
    },
  };
}

async function receive(deps: InboxDeps, webhook: IncomingWebhook): Promise<InboxResult> {
  const receivedAt = deps.clock();
  const match = (await deps.configs.routes()).match(webhook.path, webhook.method);
  if (match.kind !== 'matched') return match;
  const { config } = match;
  const clientIp = resolveClientIp(webhook.peerAddress, webhook.headers['x-forwarded-for'], deps.trustedProxies);
  const trace: JsonObject = {
    match: { configId: config.id, key: config.key, version: config.version, by: match.by },
    ip: { clientIp, allowableIPs: config.allowableIps, allowed: parseIpAllowList(config.allowableIps).list.allows(clientIp) },
  };
  const base = { deps, webhook, config, clientIp, receivedAt, trace };
  if (!(trace.ip as { allowed: boolean }).allowed) {
    deps.log.info({ key: config.key, clientIp }, 'webhook refused: caller not in allowableIPs');
    await storeRejected(base, Buffer.alloc(0));
    return { kind: 'forbidden' };
  }
  const format = bodyFormatOf(webhook.mediaType);
  if (!format) return { kind: 'unsupported_media_type', mediaType: webhook.mediaType };
  const read = await webhook.readBody();
  if (read.kind !== 'ok') return read;

  if (config.verification) {
    const outcome = verifyRequest({ rawBody: read.body, headers: webhook.headers, settings: config.verification, now: receivedAt });
    trace.verification = outcome.ok
      ? { scheme: config.verification.scheme, passed: true }
      : { scheme: config.verification.scheme, passed: false, reason: outcome.reason };
    if (!outcome.ok) {
      deps.log.info({ key: config.key, clientIp, reason: outcome.reason }, 'webhook refused: verification failed');
      await storeRejected(base, read.body);
      return { kind: 'unauthorized' };
    }
  } else {
    trace.verification = { scheme: 'none', passed: true };
  }
  const parsed = parseBody(format, read.body);
  if (!parsed.ok) return { kind: 'invalid_body', error: parsed.error };

  const idempotency = extractIdempotencyKey(config, webhook.headers, parsed.body);
  trace.dedup = idempotency ? { key: idempotency.key, source: idempotency.source, repeat: false } : { key: null };
  const fields = { ...eventFields(base, read.body), idempotencyKey: idempotency?.key ?? null };
  if (config.responseMode === 'async') {
    const queued = await insertWebhookEvent(deps.db, {
      ...fields,
      responseMode: 'async',
      status: 'queued',
      attempts: 0,
      leaseOwner: null,
      availableAt: receivedAt,
    });
    if (!queued) return repeatOf(deps, config, idempotency!.key, receivedAt);
    deps.onQueued();
    return { kind: 'accepted', eventId: queued.id, repeated: false };
  }
  const running = await insertRunningWebhookEvent(deps.db, {
    ...fields,
    responseMode: 'sync',
    status: 'processing',
    attempts: 1,
    leaseOwner: deps.workerId,
    // The lease starts now, not at receipt: reading a slow body must not eat into the execution's time.
    leaseMs: deps.policy.leaseMs,
  });
  if (!running) return repeatOf(deps, config, idempotency!.key, receivedAt);
  const { event } = running;
  const result = await runAttempt(deps, event, 'sync', { leaseSince: running.leaseSince, opened: { config, attemptId: running.attemptId } });
  return result.kind === 'succeeded'
    ? { kind: 'succeeded', eventId: event.id, repeated: false, data: result.data, httpResponse: result.httpResponse }
    : result.kind === 'failed'
      ? { kind: 'failed', eventId: event.id, repeated: false, errors: result.errors }
      : { kind: 'unsettled', eventId: event.id };
}

/** A repeated idempotency key: counts the repeat on the original and answers its stored outcome. */
async function repeatOf(deps: InboxDeps, config: WebhookConfig, idempotencyKey: string, receivedAt: Date): Promise<InboxResult> {
  const original = await findWebhookEventByIdempotencyKey(deps.db, config.id, idempotencyKey);
  if (original) await noteRepeatedDelivery(deps.db, original.id, receivedAt);
  return repeatOutcome(original);
}

interface Received {
  readonly deps: InboxDeps;
  readonly webhook: IncomingWebhook;
  readonly config: WebhookConfig;
  readonly clientIp: string;
  readonly receivedAt: Date;
  readonly trace: JsonObject;
}

function eventFields(received: Received, rawBody: Buffer) {
  const { webhook, config } = received;
  return {
    configId: config.id,
    configKey: config.key,
    configVersion: config.version,
    source: 'router',
    method: webhook.method.toUpperCase(),
    path: webhook.path,
    headers: redactHeaders(webhook.headers, secretHeadersOf(config.verification)),
    query: webhook.query,
    rawBody,
    clientIp: received.clientIp,
    receivedAt: received.receivedAt,
    maxAttempts: config.maxAttempts ?? received.deps.defaultMaxAttempts,
    trace: received.trace,
  } satisfies Partial<NewWebhookEvent>;
}

/**
 * How much of a refused request's body is kept: enough to recognise it, while anyone can send
 * refused requests and must not fill the disk with them. The trace has the full size and a hash.
 */
const rejectedBodyKeptBytes = 4 * 1024;

/** A refused request is kept for the trace, without an idempotency key: a forgery must not block the real one. */
async function storeRejected(received: Received, rawBody: Buffer): Promise<void> {
  const kept = rawBody.subarray(0, rejectedBodyKeptBytes);
  if (kept.length < rawBody.length) {
    received.trace.body = { bytes: rawBody.length, keptBytes: kept.length, sha256: createHash('sha256').update(rawBody).digest('hex') };
  }
  await insertWebhookEvent(received.deps.db, {
    ...eventFields(received, kept),
    idempotencyKey: null,
    responseMode: received.config.responseMode,
    status: 'rejected',
    attempts: 0,
    maxAttempts: 0,
    availableAt: null,
    leaseOwner: null,
  });
}

/** A repeated idempotency key: the stored outcome, without running anything. */
function repeatOutcome(event: WebhookEvent | undefined): InboxResult {
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
      return event.responseMode === 'async' ? { kind: 'accepted', eventId: event.id, repeated: true } : { kind: 'in_progress', eventId: event.id };
    case 'rejected':
      throw new Error('Rejected events carry no idempotency key');
    default:
      return event.status satisfies never;
  }
}

