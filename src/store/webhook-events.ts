import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import {
  bodyPreviewBytes,
  type DirectHttpResponse,
  type ListedWebhookEvent,
  type NewWebhookEvent,
  type SearchableFields,
  type WebhookEvent,
} from '../domain/webhook-event.js';
import type { EventStatus } from '../domain/proto-lists.js';
import { replayableStatuses } from '../domain/replayable-statuses.js';
import { currentStateColumns, currentStatus, eventWithQueue, queueTable, stateColumnNames } from './event-queue-state.js';
import { escapeStoredText, fromJsonbColumn, toJsonbParam, unescapeStoredText } from './jsonb-safe.js';
import type { Db } from './open-database.js';
import { insertWebhookEvents, storedEvent } from './insert-webhook-events.js';

/** A row as PostgreSQL returns it (pg gives int8 as strings, PGlite as numbers). */
export interface WebhookEventRow {
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
  fields: JsonObject;
  dedup_scope: string;
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
  /** Events whose searchable fields include all of these. */
  readonly fields?: SearchableFields;
  /** Events whose raw body contains these bytes. */
  readonly bodyContains?: Buffer;
}

/**
 * Stores a received event (see insertWebhookEvents, which stores many in one statement); undefined
 * when an event with the same idempotency key exists in its dedup scope (the configuration for the
 * router, the source for every other).
 */
export async function insertWebhookEvent(db: Db, event: NewWebhookEvent): Promise<WebhookEvent | undefined> {
  const [inserted] = await insertWebhookEvents(db, [event]);
  return inserted && storedEvent(event, inserted.id);
}

/** `now() + leaseMs` on the database's clock. */
export function leaseEnd(db: Db, leaseMs: number): Knex.Raw {
  return db.raw(`now() + ?::integer * interval '1 millisecond'`, [Math.round(leaseMs)]);
}

export async function findWebhookEventById(db: Db, id: number): Promise<WebhookEvent | undefined> {
  const { rows } = await db.raw<{ rows: WebhookEventRow[] }>(`SELECT ${eventRowSelect()} FROM ${eventWithQueue} WHERE e.id = ?`, [
    id,
  ]);
  return rows[0] && toWebhookEvent(rows[0]);
}

/**
 * A repeated delivery of an idempotency key: counts it on the event holding the key in the dedup
 * scope of `source` (and, for the router, `configId`) as `dedup.repeats` and `dedup.lastRepeatAt`,
 * and returns that event, in one statement.
 */
export async function noteRepeatedDelivery(
  db: Db,
  scope: { readonly source: string; readonly configId: number | null },
  idempotencyKey: string,
  at: Date,
): Promise<WebhookEvent | undefined> {
  // The same rule as the generated dedup_scope column (migration 20261202070000). The key's row
  // names the event and its week of the log.
  const dedupScope = scope.source === 'router' ? `config:${scope.configId}` : scope.source;
  const { rows } = await db.raw<{ rows: WebhookEventRow[] }>(
    `WITH k AS MATERIALIZED (
       SELECT event_id, received_at FROM webhook_event_dedup_keys WHERE dedup_scope = ? AND idempotency_key = ?),
     e AS (
       UPDATE webhook_events SET trace = jsonb_set(trace, '{dedup}', coalesce(trace->'dedup', '{}'::jsonb) || jsonb_build_object(
         'repeats', coalesce((trace->'dedup'->>'repeats')::int, 0) + 1, 'lastRepeatAt', ?::text))
       WHERE id = (SELECT event_id FROM k) AND received_at = (SELECT received_at FROM k)
       RETURNING *)
     SELECT ${eventRowSelect()} FROM e LEFT JOIN ${queueTable} q ON q.event_id = e.id`,
    [dedupScope, escapeStoredText(idempotencyKey), at.toISOString()],
  );
  return rows[0] && toWebhookEvent(rows[0]);
}

/** The state an attempt leaves its event in. */
export type EventSettlement =
  | {
      readonly status: 'succeeded';
      readonly result: JsonValue;
      readonly httpResponse: DirectHttpResponse | null;
      readonly at: Date;
    }
  | { readonly status: 'failed' | 'dead'; readonly errors: readonly string[]; readonly at: Date }
  | { readonly status: 'queued'; readonly errors: readonly string[]; readonly retryAt: Date };

/** One page of events, newest first, bodies cut to a preview, with the total that matches. */
export async function listWebhookEvents(
  db: Db,
  filter: WebhookEventFilter,
  page: { offset: number; limit: number },
): Promise<{ items: ListedWebhookEvent[]; totalCount: number }> {
  const query = db.from(db.raw(eventWithQueue)).modify((q) => applyFilter(q, filter));
  const [counted] = await query.clone().count<{ count: string | number }[]>({ count: '*' });
  const rows = (await query
    .select(
      db.raw(listedSelect),
      db.raw('substring(e.raw_body from 1 for ?) as raw_body', [bodyPreviewBytes]),
      db.raw('octet_length(e.raw_body) as body_bytes'),
    )
    .orderBy([
      { column: 'e.received_at', order: 'desc' },
      { column: 'e.id', order: 'desc' },
    ])
    .offset(page.offset)
    .limit(page.limit)) as (WebhookEventRow & { body_bytes: number })[];
  return { items: rows.map(toListedWebhookEvent), totalCount: Number(counted?.count ?? 0) };
}

/**
 * Every column but raw_body, which a list cuts to a preview in SQL: a page never loads whole bodies.
 * Written as a record so that a column added to WebhookEventRow but not here fails to compile.
 */
const listedColumns = Object.keys({
  id: true,
  config_id: true,
  config_key: true,
  config_version: true,
  source: true,
  method: true,
  path: true,
  headers: true,
  query: true,
  client_ip: true,
  received_at: true,
  idempotency_key: true,
  response_mode: true,
  status: true,
  attempts: true,
  max_attempts: true,
  available_at: true,
  lease_owner: true,
  result: true,
  errors: true,
  http_response: true,
  trace: true,
  completed_at: true,
  fields: true,
  dedup_scope: true,
  request_id: true,
} satisfies Record<Exclude<keyof WebhookEventRow, 'raw_body'>, true>);

/** Every listed column: the log's from the event row, the state from the queue row while there is one. */
const listedSelect = [
  ...listedColumns.filter((column) => !stateColumnNames.includes(column)).map((column) => `e.${column}`),
  currentStateColumns,
].join(', ');

/**
 * The select list of a whole WebhookEventRow over `e` (the log) and `q` (its queue row, or a row of the
 * same columns: a claim's). A function: listedSelect is defined below the statements that use it.
 */
export function eventRowSelect(): string {
  return `${listedSelect}, e.raw_body`;
}

function toListedWebhookEvent(row: WebhookEventRow & { body_bytes: number }): ListedWebhookEvent {
  const { rawBody, ...event } = toWebhookEvent(row);
  return { ...event, bodyPreview: rawBody, bodyBytes: Number(row.body_bytes) };
}

/**
 * Queues finished events again, due now, with a fresh budget of attempts from their configuration's
 * current `maxAttempts` (a stored event's: its reserved key's; else `defaultMaxAttempts`); the replay
 * is noted in the trace.
 */
export async function requeueWebhookEvents(
  db: Db,
  filter: WebhookEventFilter,
  replay: { now: Date; defaultMaxAttempts: number; limit: number; note: JsonObject },
): Promise<number[]> {
  const ids = db
    .from(db.raw(eventWithQueue))
    .select('e.id')
    .modify((q) => applyFilter(q, filter))
    .whereIn('e.status', replayableStatuses)
    .orderBy('e.id')
    .limit(replay.limit);
  // A replayable status is final, and a final event has no queue row. The status is checked again on
  // the row the UPDATE locks: an overlapping replay may have queued it since the subquery's snapshot.
  // The queue row is made in the same statement, so the event is never queued without one.
  const { rows } = await db.raw<{ rows: { id: string | number }[] }>(
    `WITH requeued AS (
       UPDATE webhook_events e SET status = 'queued', available_at = :now, completed_at = NULL,
         -- A stored provider event has no config_id yet: the configuration it will run with is the one
         -- holding its reserved key (config_key), created since.
         max_attempts = e.attempts + coalesce(
           (SELECT c.max_attempts FROM webhook_configs c WHERE c.id = e.config_id),
           (SELECT c.max_attempts FROM webhook_configs c WHERE e.config_id IS NULL AND lower(c.key) = lower(e.config_key)),
           :defaultMax),
         trace = jsonb_set(e.trace, '{replays}', coalesce(e.trace->'replays', '[]'::jsonb) || :note::jsonb)
       WHERE e.id IN :ids AND e.status = ANY(:replayable::text[])
       RETURNING e.id, e.received_at, e.available_at, e.attempts, e.max_attempts, e.source,
         e.config_id || ':' || (e.trace #>> '{ordering,key}') AS ordering_key),
     -- An ordered event goes to the back of its key (a new place from the ids' sequence), so it runs
     -- after the key's events queued before the replay; a dead one still parked at the head of its
     -- key runs again there, first (ordering-keys.ts).
     queued AS (
       INSERT INTO ${queueTable} (event_id, received_at, due_at, attempts, max_attempts, source, ordering_key, ordering_seq, waiting_due_at)
       SELECT id, received_at, CASE WHEN behind THEN 'infinity' ELSE available_at END, attempts, max_attempts, source, ordering_key,
         CASE WHEN ordering_key IS NOT NULL THEN nextval(pg_get_serial_sequence('webhook_events', 'id')) END,
         CASE WHEN behind THEN available_at END
       FROM requeued, LATERAL (SELECT ordering_key IS NOT NULL AND EXISTS (
         SELECT 1 FROM ${queueTable} earlier WHERE earlier.ordering_key = requeued.ordering_key)) AS placed(behind)
       ON CONFLICT (event_id) DO UPDATE SET parked = false, lease_owner = NULL,
         due_at = coalesce(excluded.waiting_due_at, excluded.due_at), waiting_due_at = NULL,
         attempts = excluded.attempts, max_attempts = excluded.max_attempts
       WHERE ${queueTable}.parked)
     SELECT id FROM requeued`,
    {
      now: replay.now,
      defaultMax: replay.defaultMaxAttempts,
      note: toJsonbParam([replay.note]),
      ids,
      replayable: [...replayableStatuses],
    },
  );
  return (rows as { id: string | number }[]).map((row) => Number(row.id)).sort((a, b) => a - b);
}

/** Narrows a query over eventWithQueue (`e`, `q`) to the filter. */
function applyFilter(q: Knex.QueryBuilder, filter: WebhookEventFilter): void {
  if (filter.ids) q.whereIn('e.id', filter.ids);
  if (filter.configId !== undefined) q.where('e.config_id', filter.configId);
  if (filter.key) q.whereRaw('lower(e.config_key) = lower(?)', [filter.key]);
  if (filter.source) q.where('e.source', filter.source);
  if (filter.statuses) q.whereRaw(`${currentStatus} = ANY(?::text[])`, [[...filter.statuses]]);
  if (filter.receivedFrom) q.where('e.received_at', '>=', filter.receivedFrom);
  if (filter.receivedTo) q.where('e.received_at', '<', filter.receivedTo);
  if (filter.fields && Object.keys(filter.fields).length > 0) q.whereRaw('e.fields @> ?::jsonb', [toJsonbParam(filter.fields)]);
  // Bytes, not text: a body need not be valid UTF-8, and convert_from would fail the whole listing on one that is not.
  if (filter.bodyContains) q.whereRaw('position(?::bytea in e.raw_body) > 0', [filter.bodyContains]);
}

/** A stored row as the domain sees it, with every escaped string restored (see jsonb-safe.ts). */
export function toWebhookEvent(row: WebhookEventRow): WebhookEvent {
  return {
    id: Number(row.id),
    configId: row.config_id === null ? null : Number(row.config_id),
    configKey: row.config_key,
    configVersion: row.config_version,
    source: row.source,
    method: row.method,
    path: unescapeStoredText(row.path),
    headers: fromJsonbColumn(row.headers),
    query: fromJsonbColumn(row.query),
    rawBody: Buffer.from(row.raw_body),
    clientIp: row.client_ip,
    receivedAt: new Date(row.received_at),
    idempotencyKey: row.idempotency_key === null ? null : unescapeStoredText(row.idempotency_key),
    responseMode: row.response_mode,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    availableAt: row.available_at === null ? null : new Date(row.available_at),
    leaseOwner: row.lease_owner,
    trace: fromJsonbColumn(row.trace),
    result: fromJsonbColumn(row.result),
    errors: fromJsonbColumn(row.errors),
    httpResponse: fromJsonbColumn(row.http_response),
    completedAt: row.completed_at === null ? null : new Date(row.completed_at),
    fields: fromJsonbColumn(row.fields),
    requestId: row.request_id,
  };
}
