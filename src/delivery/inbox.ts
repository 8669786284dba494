import { createHash } from 'node:crypto';
import type { JsonObject } from '@bufbuild/protobuf';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { NewWebhookEvent } from '../domain/webhook-event.js';
import { resolveClientIp, type TrustedProxies } from '../router/client-ip.js';
import { extractIdempotencyKey } from '../router/idempotency-key.js';
import { extractOrderingKey } from '../router/ordering-key.js';
import { parseIpAllowList, type IpAllowList } from '../router/ip-allow-list.js';
import { bodyFormatOf, parseBody } from '../router/parse-body.js';
import { redactHeaders } from '../router/redact-headers.js';
import { redactQuery } from '../router/redact-query.js';
import { unrepresentableBody } from '../router/unrepresentable-body.js';
import { secretHeadersOf, verifyRequest } from '../router/verification/verifiers.js';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import { insertWebhookEvent } from '../store/webhook-events.js';
import { acceptEvent, type AcceptDeps, type AcceptResult } from './accept-event.js';
import type { ConfigCache } from './config-cache.js';
import { mayStoreRefused } from './may-store-refused.js';

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
  /** The request's x-request-id: stored on the event and in every log line about it. */
  readonly requestId?: string;
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
  | AcceptResult;

export interface InboxDeps extends AcceptDeps {
  readonly configs: ConfigCache;
  readonly trustedProxies: TrustedProxies;
  /** REFUSED_STORED_PER_MINUTE: refused requests stored per configuration per minute (see may-store-refused.ts). */
  readonly refusedStoredPerMinute: number;
}

export interface Inbox {
  receive(webhook: IncomingWebhook): Promise<InboxResult>;
}

/**
 * The dynamic router, a producer for the accept step: match, IP allow-list, media type, body limit,
 * verification, parsing, idempotency key; then acceptEvent commits the event before anything is
 * answered and runs it now (sync) or leaves it to the workers (async). A store outage answers
 * `unavailable` and acknowledges nothing.
 */
export function createInbox(deps: InboxDeps): Inbox {
  return {
    async receive(webhook) {
      const scoped = webhook.requestId ? { ...deps, log: deps.log.child({ requestId: webhook.requestId }) } : deps;
      try {
        return await receive(scoped, webhook);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        scoped.log.warn({ err: error }, 'store unavailable; webhook refused with 503');
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
    ip: { clientIp, allowableIPs: config.allowableIps, allowed: allowListOf(config).allows(clientIp) },
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
    const outcome = verifyRequest({
      rawBody: read.body,
      headers: webhook.headers,
      settings: config.verification,
      now: receivedAt,
    });
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
  const unrepresentable = unrepresentableBody(parsed.body);
  if (unrepresentable) return { kind: 'invalid_body', error: unrepresentable };

  const orderingKey = extractOrderingKey(config.orderingKey, webhook.headers, parsed.body);
  // Limits are kept by the workers' admission: a sync webhook of a limited configuration is queued too.
  const queued = orderingKey !== undefined || isLimited(config);
  return acceptEvent(deps, {
    ...eventFields(base, read.body),
    source: 'router',
    config,
    configKey: config.key,
    idempotency: extractIdempotencyKey(config, webhook.headers, parsed.body),
    ...(orderingKey !== undefined && { orderingKey }),
    // A paused configuration runs nothing now: a sync webhook is answered 202 with its event id. An
    // ordered one runs after its key's earlier events, a limited one when its limits let it: its caller
    // waits for it up to the configuration's timeout (else orderedSyncWaitMs), then gets the 202
    // (docs/webhook-router.md).
    responseMode: config.responseMode === 'async' || config.deliveryPausedAt || queued ? 'async' : 'sync',
    ...(config.responseMode !== 'async' &&
      !config.deliveryPausedAt &&
      queued && { awaitOutcomeMs: config.timeoutMs ?? orderedSyncWaitMs }),
    body: parsed.body,
  });
}

/** Whether the configuration's events start only as its limits allow. */
function isLimited(config: WebhookConfig): boolean {
  return config.maxConcurrency !== null || config.maxPerSecond !== null;
}

/** How long a sync caller of an ordered or limited configuration without a timeoutMs waits for its event. */
const orderedSyncWaitMs = 5_000;

/**
 * Each loaded configuration's parsed allowableIPs: parsed once per configuration object (the cache
 * makes new ones when it reloads), not once per request.
 */
const allowLists = new WeakMap<WebhookConfig, IpAllowList>();

function allowListOf(config: WebhookConfig): IpAllowList {
  let list = allowLists.get(config);
  if (!list) {
    list = parseIpAllowList(config.allowableIps).list;
    allowLists.set(config, list);
  }
  return list;
}

interface Received {
  readonly deps: InboxDeps;
  readonly webhook: IncomingWebhook;
  readonly config: WebhookConfig;
  readonly clientIp: string;
  readonly receivedAt: Date;
  readonly trace: JsonObject;
}

/** What the router knows of a request, in the columns every event has. */
function eventFields(received: Received, rawBody: Buffer) {
  const { webhook, config } = received;
  return {
    method: webhook.method.toUpperCase(),
    path: webhook.path,
    headers: redactHeaders(webhook.headers, secretHeadersOf(config.verification)),
    query: redactQuery(webhook.query),
    rawBody,
    clientIp: received.clientIp,
    receivedAt: received.receivedAt,
    trace: received.trace,
    requestId: webhook.requestId ?? null,
  } satisfies Partial<NewWebhookEvent>;
}

/**
 * How much of a refused request's body is kept: enough to recognise it, while anyone can send
 * refused requests and must not fill the disk with them. The trace has the full size and a hash.
 */
const rejectedBodyKeptBytes = 4 * 1024;

/**
 * A refused request is counted, and kept for the trace at a bounded rate, without an idempotency
 * key: a forgery must not block the real one.
 */
async function storeRejected(received: Received, rawBody: Buffer): Promise<void> {
  if (!(await mayStoreRefused(received.deps, received.config, received.receivedAt))) return;
  const kept = rawBody.subarray(0, rejectedBodyKeptBytes);
  if (kept.length < rawBody.length) {
    received.trace.body = {
      bytes: rawBody.length,
      keptBytes: kept.length,
      sha256: createHash('sha256').update(rawBody).digest('hex'),
    };
  }
  const { config } = received;
  await insertWebhookEvent(received.deps.db, {
    ...eventFields(received, kept),
    configId: config.id,
    configKey: config.key,
    configVersion: config.version,
    source: 'router',
    idempotencyKey: null,
    responseMode: received.config.responseMode,
    status: 'rejected',
    attempts: 0,
    maxAttempts: 0,
    availableAt: null,
    leaseOwner: null,
  });
}
