import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import { replayableStatuses, type DirectHttpResponse, type EventStatus, type NewWebhookEvent, type WebhookEvent } from '../domain/webhook-event.js';
import type { Db } from './open-database.js';
import { finishEventAttempt, insertFirstAttemptOf, type AttemptFinish } from './webhook-event-attempts.js';

const table = 'webhook_events';

/** A row as PostgreSQL returns it (pg gives int8 as strings, PGlite as numbers). */
interface WebhookEventRow {
  id: string | number;
  config_id: string | number | null;
  config_key: string;
  config_version: number | null;
  source: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  raw_body: Buffer | Uint8Array;
  client_ip: string;
  received_at: Date | string;
  idempotency_key: string | null;
  response_mode: string;
  status: EventStatus;
  attempts: number;
  max_attempts: number;
  available_at: Date | string | null;
  lease_owner: string | null;
  result: JsonValue | null;
  errors: string[] | null;
  http_response: DirectHttpResponse | null;
  trace: JsonObject;
  completed_at: Date | string | null;
  request_id: string | null;
}

/** Which events a listing or a bulk replay covers. */
export interface WebhookEventFilter {
  readonly ids?: readonly number[];
  readonly configId?: number;
  readonly key?: string;
  readonly source?: string;
  readonly statuses?: readonly EventStatus[];
  readonly receivedFrom?: Date;
  readonly receivedTo?: Date;
}

/** Stores a received event; undefined when an event with the same idempotency key exists for the config. */
export async function insertWebhookEvent(db: Db, event: NewWebhookEvent): Promise<WebhookEvent | undefined> {
  const [row] = (await insertEvent(db, event)) as { id: string | number }[];
  return row && stored(event, row.id);
}

/**
 * Stores a sync event that this process runs at once, leased to `event.leaseOwner`, with the start
 * of its first attempt: one statement, one round trip. Undefined for a repeated idempotency key.
 */
export async function insertRunningWebhookEvent(
  db: Db,
  event: NewWebhookEvent & { readonly status: 'processing'; readonly leaseOwner: string },
): Promise<{ event: WebhookEvent; attemptId: number } | undefined> {
  const [row]: { id: string | number; attempt_id: string | number }[] = await db
    .with('inserted', insertEvent(db, event))
    .with('attempt', insertFirstAttemptOf(db, 'inserted', { worker: event.leaseOwner, startedAt: event.receivedAt }))
    .select('inserted.id', 'attempt.id as attempt_id')
    .from('inserted')
    .crossJoin(db.raw('attempt'));
  return row && { event: stored(event, row.id), attemptId: Number(row.attempt_id) };
}

/** The event as just stored: what was inserted, with its id; the raw body does not travel back from the database. */
function stored(event: NewWebhookEvent, id: string | number): WebhookEvent {
  return { ...event, requestId: event.requestId ?? null, id: Number(id), result: null, errors: null, httpResponse: null, completedAt: null };
}

function insertEvent(db: Db, event: NewWebhookEvent): Knex.QueryBuilder {
  return db(table)
    .insert({
      config_id: event.configId,
      config_key: event.configKey,
      config_version: event.configVersion,
      source: event.source,
      method: event.method,
      path: event.path,
      headers: JSON.stringify(event.headers),
      query: JSON.stringify(event.query),
      raw_body: event.rawBody,
      client_ip: event.clientIp,
      received_at: event.receivedAt,
      idempotency_key: event.idempotencyKey,
      response_mode: event.responseMode,
      status: event.status,
      attempts: event.attempts,
      max_attempts: event.maxAttempts,
      available_at: event.availableAt,
      lease_owner: event.leaseOwner,
      trace: JSON.stringify(event.trace),
      request_id: event.requestId ?? null,
    })
    .onConflict(db.raw('(config_id, idempotency_key) WHERE idempotency_key IS NOT NULL'))
    .ignore()
    .returning(['id', 'config_version', 'attempts']);
}

export async function findWebhookEventById(db: Db, id: number): Promise<WebhookEvent | undefined> {
  const row = await db<WebhookEventRow>(table).where({ id }).first();
  return row && toWebhookEvent(row);
}

export async function findWebhookEventByIdempotencyKey(
  db: Db,
  configId: number,
  idempotencyKey: string,
): Promise<WebhookEvent | undefined> {
  const row = await db<WebhookEventRow>(table).where({ config_id: configId, idempotency_key: idempotencyKey }).first();
  return row && toWebhookEvent(row);
}

/** Counts a repeated delivery of an event (same idempotency key) in its trace: `dedup.repeats`, `dedup.lastRepeatAt`. */
export async function noteRepeatedDelivery(db: Db, id: number, at: Date): Promise<void> {
  await db.raw(
    `UPDATE webhook_events SET trace = jsonb_set(trace, '{dedup}', coalesce(trace->'dedup', '{}'::jsonb) || jsonb_build_object(
       'repeats', coalesce((trace->'dedup'->>'repeats')::int, 0) + 1, 'lastRepeatAt', ?::text))
     WHERE id = ?`,
    [at.toISOString(), id],
  );
}

/**
 * Leases up to `limit` due events to `owner`: queued ones whose time has come, and processing ones
 * whose lease expired (their worker died). SKIP LOCKED lets several processes claim side by side.
 */
export async function claimDueEvents(
  db: Db,
  claim: { owner: string; now: Date; leaseUntil: Date; limit: number },
): Promise<WebhookEvent[]> {
  const { rows } = await db.raw<{ rows: WebhookEventRow[] }>(
    `UPDATE webhook_events SET status = 'processing', lease_owner = ?, available_at = ?, attempts = attempts + 1
     WHERE id IN (
       SELECT id FROM webhook_events
       WHERE status IN ('queued', 'processing') AND available_at <= ?
       ORDER BY available_at, id LIMIT ? FOR UPDATE SKIP LOCKED)
     RETURNING *`,
    [claim.owner, claim.leaseUntil, claim.now, claim.limit],
  );
  return rows.map(toWebhookEvent);
}

/** The state an attempt leaves its event in. */
export type EventSettlement =
  | { readonly status: 'succeeded'; readonly result: JsonValue; readonly httpResponse: DirectHttpResponse | null; readonly at: Date }
  | { readonly status: 'failed' | 'dead'; readonly errors: readonly string[]; readonly at: Date }
  | { readonly status: 'queued'; readonly errors: readonly string[]; readonly retryAt: Date };

/**
 * Records how an attempt ended and, only while `owner` still holds the event's lease for this very
 * attempt (a process may claim its own expired event again), the state it leaves the event in, in
 * one statement. False when the lease was lost (the attempt is recorded still).
 */
export async function settleAttempt(
  db: Db,
  attempt: { readonly id: number; readonly finish: AttemptFinish },
  event: { readonly id: number; readonly owner: string; readonly attempt: number; readonly settlement: EventSettlement },
): Promise<boolean> {
  const { settlement } = event;
  const common = { lease_owner: null };
  const columns =
    settlement.status === 'succeeded'
      ? { ...common, status: 'succeeded', result: JSON.stringify(settlement.result), errors: null,
          http_response: settlement.httpResponse && JSON.stringify(settlement.httpResponse),
          completed_at: settlement.at, available_at: null }
      : settlement.status === 'queued'
        ? { ...common, status: 'queued', errors: JSON.stringify(settlement.errors), available_at: settlement.retryAt }
        : { ...common, status: settlement.status, errors: JSON.stringify(settlement.errors),
            completed_at: settlement.at, available_at: null };
  const count = await db
    .with('finished', finishEventAttempt(db, attempt.id, attempt.finish))
    .from(table)
    .where({ id: event.id, lease_owner: event.owner, attempts: event.attempt, status: 'processing' })
    .update(columns);
  return Number(count) === 1;
}

/**
 * Hands leased events back to the queue (graceful shutdown): due now, for any worker. The attempt
 * handed back does not count against the budget (it shows as interrupted; one more is allowed), so
 * a restart during an event's last attempt does not dead-letter it unrun.
 */
export async function releaseWebhookEvents(db: Db, owner: string, ids: readonly number[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  const count = await db(table)
    .whereIn('id', ids)
    .where({ lease_owner: owner, status: 'processing' })
    .update({ status: 'queued', lease_owner: null, available_at: now, max_attempts: db.raw('max_attempts + 1') });
  return Number(count);
}

/** One page of events, newest first, with the total that matches. */
export async function listWebhookEvents(
  db: Db,
  filter: WebhookEventFilter,
  page: { offset: number; limit: number },
): Promise<{ items: WebhookEvent[]; totalCount: number }> {
  const query = db<WebhookEventRow>(table).modify((q) => applyFilter(q, filter));
  const [counted] = await query.clone().count<{ count: string | number }[]>({ count: '*' });
  const rows = await query.orderBy([{ column: 'received_at', order: 'desc' }, { column: 'id', order: 'desc' }])
    .offset(page.offset)
    .limit(page.limit);
  return { items: rows.map(toWebhookEvent), totalCount: Number(counted?.count ?? 0) };
}

/**
 * Queues finished events again, due now, with a fresh budget of attempts from their configuration's
 * current `maxAttempts` (else `defaultMaxAttempts`); the replay is noted in the trace.
 */
export async function requeueWebhookEvents(
  db: Db,
  filter: WebhookEventFilter,
  replay: { now: Date; defaultMaxAttempts: number; limit: number; note: JsonObject },
): Promise<number[]> {
  const ids = db(table)
    .select('id')
    .modify((q) => applyFilter(q, filter))
    .whereIn('status', replayableStatuses)
    .orderBy('id')
    .limit(replay.limit);
  const rows = await db(`${table} as e`)
    .whereIn('e.id', ids)
    .update({
      status: 'queued',
      available_at: replay.now,
      completed_at: null,
      max_attempts: db.raw(
        'e.attempts + coalesce((SELECT c.max_attempts FROM webhook_configs c WHERE c.id = e.config_id), ?)',
        [replay.defaultMaxAttempts],
      ),
      trace: db.raw(
        `jsonb_set(e.trace, '{replays}', coalesce(e.trace->'replays', '[]'::jsonb) || ?::jsonb)`,
        [JSON.stringify([replay.note])],
      ),
    })
    .returning('e.id');
  return (rows as { id: string | number }[]).map((row) => Number(row.id)).sort((a, b) => a - b);
}

function applyFilter(q: Knex.QueryBuilder, filter: WebhookEventFilter): void {
  if (filter.ids) q.whereIn('id', filter.ids);
  if (filter.configId !== undefined) q.where({ config_id: filter.configId });
  if (filter.key) q.whereRaw('lower(config_key) = lower(?)', [filter.key]);
  if (filter.source) q.where({ source: filter.source });
  if (filter.statuses) q.whereIn('status', filter.statuses);
  if (filter.receivedFrom) q.where('received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo) q.where('received_at', '<', filter.receivedTo);
}

function toWebhookEvent(row: WebhookEventRow): WebhookEvent {
  return {
    id: Number(row.id),
    configId: row.config_id === null ? null : Number(row.config_id),
    configKey: row.config_key,
    configVersion: row.config_version,
    source: row.source,
    method: row.method,
    path: row.path,
    headers: row.headers,
    query: row.query,
    rawBody: Buffer.from(row.raw_body),
    clientIp: row.client_ip,
    receivedAt: new Date(row.received_at),
    idempotencyKey: row.idempotency_key,
    responseMode: row.response_mode,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    availableAt: row.available_at === null ? null : new Date(row.available_at),
    leaseOwner: row.lease_owner,
    trace: row.trace,
    result: row.result,
    errors: row.errors,
    httpResponse: row.http_response,
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
    requestId: row.request_id,
  };
}
