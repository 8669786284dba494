import type { JsonObject } from '@bufbuild/protobuf';
import { resolveClientIp, type TrustedProxies } from '../router/client-ip.js';
import { redactHeaders } from '../router/redact-headers.js';
import { redactQuery } from '../router/redact-query.js';
import { unrepresentableBody } from '../router/unrepresentable-body.js';
import { secretHeadersOf, verifyRequest } from '../router/verification/verifiers.js';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';
import { acceptEvent, type AcceptDeps } from './accept-event.js';
import type { ConfigCache } from './config-cache.js';
import type { InboxResult } from './inbox-result.js';
import type { IncomingWebhook } from './incoming-webhook.js';
import { storeRejected, type RefusedRequest } from './store-rejected.js';
import type { Intake, TrustOutcome, WebhookSource } from './webhook-source.js';

export interface InboxDeps extends AcceptDeps {
  readonly configs: ConfigCache;
  readonly trustedProxies: TrustedProxies;
  /** REFUSED_STORED_PER_MINUTE: refused requests stored per configuration (or provider) per minute (see may-store-refused.ts). */
  readonly refusedStoredPerMinute: number;
}

/** The one way in, for the router's configurations and the providers' fixed endpoints alike. */
export interface Inbox {
  receive(source: WebhookSource, webhook: IncomingWebhook): Promise<InboxResult>;
}

/**
 * One pipeline for every source: resolve what the request is for, admit the caller, check the media
 * type, read the body within its limit, verify the raw bytes with the verifier catalog, parse, and
 * hand each event it carries to the accept step, which commits it before anything is answered. A
 * caller or verification refusal is stored as a `rejected` event (at a bounded rate); a store outage
 * answers `unavailable` and acknowledges nothing. Every log line names the request id.
 */
export function createInbox(deps: InboxDeps): Inbox {
  return {
    async receive(source, webhook) {
      const log = deps.log.child({ source: source.name, ...(webhook.requestId && { requestId: webhook.requestId }) });
      const scoped = { ...deps, log };
      try {
        return await receive(scoped, source, webhook);
      } catch (error) {
        if (!isStoreUnavailable(error)) throw error;
        log.warn({ err: error }, 'store unavailable; webhook refused with 503');
        return { kind: 'unavailable' };
      }
    },
  };
}

async function receive(deps: InboxDeps, source: WebhookSource, webhook: IncomingWebhook): Promise<InboxResult> {
  const receivedAt = deps.clock();
  const intake = source.resolve(webhook, await deps.configs.routes());
  if (intake.kind !== 'matched') return intake;
  const clientIp = resolveClientIp(webhook.peerAddress, webhook.headers['x-forwarded-for'], deps.trustedProxies);
  const request: RefusedRequest = {
    method: webhook.method.toUpperCase(),
    path: webhook.path,
    headers: redactHeaders(webhook.headers, secretHeadersOf(intake.verification)),
    query: redactQuery(webhook.query),
    clientIp,
    receivedAt,
    trace: { match: intake.match, ip: { clientIp } },
    requestId: webhook.requestId ?? null,
  };
  const { trace } = request;

  const admitted = intake.admit({ clientIp, query: webhook.query });
  Object.assign(trace, admitted.trace);
  if (!admitted.ok) return refuse(deps, intake, request, admitted, Buffer.alloc(0));
  const parse = intake.bodyParser(webhook.mediaType);
  if (!parse) return { kind: 'unsupported_media_type', mediaType: webhook.mediaType };
  const read = await webhook.readBody();
  if (read.kind !== 'ok') return read;

  const { verification } = intake;
  if (verification) {
    const outcome = verifyRequest({ rawBody: read.body, headers: webhook.headers, settings: verification, now: receivedAt });
    if (!outcome.ok) {
      trace.verification = { scheme: verification.scheme, passed: false, reason: outcome.reason };
      return refuse(deps, intake, request, { ok: false, refusal: 'unauthorized', reason: outcome.reason }, read.body);
    }
    trace.verification = { scheme: verification.scheme, ...(outcome.form && { form: outcome.form }), passed: true };
  } else {
    trace.verification ??= { scheme: 'none', passed: true };
  }

  const parsed = parse(read.body);
  if (!parsed.ok) return { kind: 'invalid_body', error: parsed.error };
  const unrepresentable = unrepresentableBody(parsed.body);
  if (unrepresentable) return { kind: 'invalid_body', error: unrepresentable };
  const carried = intake.events(parsed.body, read.body, webhook.headers);
  if (!carried.ok) return { kind: 'invalid_body', error: carried.error };

  // Accepted side by side, the events of one request are written by one statement (group commit).
  const [first, ...others] = await Promise.all(
    carried.events.map(({ trace: eventTrace, ...event }) =>
      acceptEvent(deps, {
        ...request,
        ...event,
        source: intake.source,
        config: intake.config,
        configKey: intake.configKey,
        trace: { ...trace, ...eventTrace } as JsonObject,
      }),
    ),
  );
  if (!first) throw new Error('A request accepted without an event');
  return { kind: 'received', outcomes: [first, ...others] };
}

/** A caller or verification refusal: logged with its reason, counted, and stored as a `rejected` event at a bounded rate. */
async function refuse(
  deps: InboxDeps,
  intake: Intake,
  request: RefusedRequest,
  outcome: Extract<TrustOutcome, { ok: false }>,
  rawBody: Buffer,
): Promise<InboxResult> {
  deps.log.info(
    { key: intake.configKey, clientIp: request.clientIp, refusal: outcome.refusal, reason: outcome.reason },
    'webhook refused',
  );
  if (outcome.refusal === 'not_configured') return { kind: 'not_configured', reason: outcome.reason };
  await storeRejected(deps, intake, request, rawBody);
  return { kind: outcome.refusal };
}
