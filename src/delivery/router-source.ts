import type { JsonObject } from '@bufbuild/protobuf';
import type { WebhookConfig } from '../domain/webhook-config.js';
import { extractIdempotencyKey } from '../router/idempotency-key.js';
import { parseIpAllowList, type IpAllowList } from '../router/ip-allow-list.js';
import { extractOrderingKey } from '../router/ordering-key.js';
import { bodyFormatOf, parseBody } from '../router/parse-body.js';
import { allowableIpsOf, sourceOf, verificationOf } from '../sources/config-source.js';
import { sourceDedupKey, sourceEventType } from '../sources/source-keys.js';
import type { Intake, WebhookSource } from './webhook-source.js';

/**
 * The dynamic router (`/api/webhook/{path}`) as a source of the one inbox: the enabled configuration
 * matching the path and method, its allowableIPs, JSON, form or text bodies, its verification, its
 * idempotency and ordering keys, and its response mode. A configuration naming a catalog source
 * (src/sources/) takes that source's verification, dedup key, event type and, unless its own
 * allowableIPs are set, the source's documented caller addresses.
 */
export const routerSource: WebhookSource = {
  name: 'router',
  resolve(webhook, routes) {
    const match = routes.match(webhook.path, webhook.method);
    if (match.kind !== 'matched') return match;
    return configIntake(match.config, match.by);
  },
};

function configIntake(config: WebhookConfig, by: 'path' | 'key'): Intake {
  const source = sourceOf(config);
  const verification = verificationOf(config);
  return {
    kind: 'matched',
    source: 'router',
    config,
    configKey: config.key,
    responseMode: config.responseMode === 'async' ? 'async' : 'sync',
    match: { configId: config.id, key: config.key, version: config.version, by },
    refusalScope: { configId: config.id },
    admit({ clientIp }) {
      const allowed = allowListOf(config).allows(clientIp);
      const ip = { clientIp, allowableIPs: allowableIpsOf(config), allowed };
      return allowed
        ? { ok: true, trace: { ip } }
        : { ok: false, refusal: 'forbidden', reason: 'caller not in allowableIPs', trace: { ip } };
    },
    bodyParser(mediaType) {
      const format = bodyFormatOf(mediaType);
      return format && ((rawBody) => parseBody(format, rawBody));
    },
    verification,
    events(body, rawBody, headers) {
      const orderingKey = extractOrderingKey(config.orderingKey, headers, body);
      const runsNow = config.responseMode !== 'async' && !config.deliveryPausedAt;
      // Limits are kept by the workers' admission: a sync webhook of a limited configuration is queued too.
      const queued = orderingKey !== undefined || isLimited(config);
      return {
        ok: true,
        events: [
          {
            rawBody,
            idempotency:
              source && config.idempotencyKey === null
                ? sourceDedupKey(source, headers, body, rawBody)
                : extractIdempotencyKey({ idempotencyKey: config.idempotencyKey, verification }, headers, body),
            // A paused configuration runs nothing now: a sync webhook is answered 202 with its event id. An
            // ordered one runs after its key's earlier events, a limited one when its limits let it: its caller
            // waits for it up to the configuration's timeout (else orderedSyncWaitMs), then gets the 202
            // (docs/webhook-router.md).
            responseMode: runsNow && !queued ? 'sync' : 'async',
            ...(orderingKey !== undefined && { orderingKey }),
            ...(runsNow && queued && { awaitOutcomeMs: config.timeoutMs ?? orderedSyncWaitMs }),
            body,
            ...(source && { fields: eventFields(sourceEventType(source, headers, body)) }),
          },
        ],
      };
    },
  };
}

/** Whether the configuration's events start only as its limits allow. */
function isLimited(config: WebhookConfig): boolean {
  return config.maxConcurrency !== null || config.maxPerSecond !== null;
}

/** The searchable fields of a source's event: its type, when the source has one. */
function eventFields(event: string | undefined): JsonObject {
  return event === undefined ? {} : { event };
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
    list = parseIpAllowList(allowableIpsOf(config)).list;
    allowLists.set(config, list);
  }
  return list;
}
