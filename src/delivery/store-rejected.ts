import { createHash } from 'node:crypto';
import type { NewWebhookEvent } from '../domain/webhook-event.js';
import { insertWebhookEvent } from '../store/webhook-events.js';
import type { Db } from '../store/open-database.js';
import type { Logger } from 'pino';
import { mayStoreRefused } from './may-store-refused.js';
import type { Intake } from './webhook-source.js';

/**
 * How much of a refused request's body is kept: enough to recognise it, while anyone can send
 * refused requests and must not fill the disk with them. The trace has the full size and a hash.
 */
const rejectedBodyKeptBytes = 4 * 1024;

/** A refused request's columns, as every event has them (headers and query already redacted). */
export type RefusedRequest = Pick<
  NewWebhookEvent,
  'method' | 'path' | 'headers' | 'query' | 'clientIp' | 'receivedAt' | 'trace' | 'requestId'
>;

/**
 * A request refused by its caller check or its verification (403/401), from any source: counted,
 * and kept for the trace at a bounded rate as a `rejected` event without an idempotency key (a
 * forgery must not block the real one).
 */
export async function storeRejected(
  deps: { readonly db: Db; readonly log: Logger; readonly refusedStoredPerMinute: number },
  intake: Intake,
  request: RefusedRequest,
  rawBody: Buffer,
): Promise<void> {
  if (!(await mayStoreRefused(deps, intake.refusalScope, request.receivedAt))) return;
  const kept = rawBody.subarray(0, rejectedBodyKeptBytes);
  if (kept.length < rawBody.length) {
    request.trace.body = {
      bytes: rawBody.length,
      keptBytes: kept.length,
      sha256: createHash('sha256').update(rawBody).digest('hex'),
    };
  }
  const { config } = intake;
  await insertWebhookEvent(deps.db, {
    ...request,
    rawBody: kept,
    configId: config?.id ?? null,
    configKey: config?.key ?? intake.configKey,
    configVersion: config?.version ?? null,
    source: intake.source,
    idempotencyKey: null,
    responseMode: intake.responseMode,
    status: 'rejected',
    attempts: 0,
    maxAttempts: 0,
    availableAt: null,
    leaseOwner: null,
  });
}
