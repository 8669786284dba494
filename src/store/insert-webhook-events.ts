import type { NewWebhookEvent, WebhookEvent } from '../domain/webhook-event.js';
import { ensureEventLogPartitions, isMissingPartition } from './event-log-partitions.js';
import { toJsonbParam } from './jsonb-safe.js';
import type { Db } from './open-database.js';

/** The channel an accept NOTIFYs when it queued an event, so that every process's worker wakes. */
export const eventsQueuedChannel = 'webhook_events_queued';

/**
 * A sync event that this process runs at once: stored `processing`, leased to `leaseOwner` for
 * `leaseMs` from the database's now (every lease is compared with the database's clock, see
 * event-leases.ts), with its first attempt opened in the same statement.
 */
export interface NewRunningWebhookEvent extends Omit<NewWebhookEvent, 'status' | 'leaseOwner' | 'availableAt'> {
  readonly status: 'processing';
  readonly leaseOwner: string;
  readonly leaseMs: number;
}

/** A queued, stored-only or refused event (its lease, if any, given), or a running one. */
export type EventToInsert = NewWebhookEvent | NewRunningWebhookEvent;

/** A running event's lease and first attempt, as its insert took and opened them. */
export interface OpenedLease {
  readonly attemptId: number;
  /** The lease's end, on the database's clock. */
  readonly availableAt: Date;
  /** `performance.now()` when the statement was sent on its connection: the lease cannot start before. */
  readonly leaseSince: number;
}

/** An inserted event: its id, and for a running one its lease and first attempt. */
export interface InsertedWebhookEvent {
  readonly id: number;
  readonly lease: OpenedLease | null;
}

/**
 * Stores received events in one statement, one result per event in order; undefined for an event
 * whose idempotency key is already stored in its dedup scope (the configuration for the router, the
 * source for every other), or repeated earlier in the same batch. A queued or running event gets its
 * row in the queue (event-queue-state.ts); a running one is leased there on the database's clock, and
 * its first attempt opened. When one is queued, NOTIFYs `eventsQueuedChannel`
 * (delivered at commit).
 *
 * The rows travel as one JSON parameter (the body as base64), so the statement text is the same
 * for any batch, and it is prepared once per connection: its plan reads no table, so it cannot
 * go stale as tables grow. Ids are drawn first, so each result can be matched to its input row.
 */
export async function insertWebhookEvents(
  db: Db,
  events: readonly EventToInsert[],
): Promise<(InsertedWebhookEvent | undefined)[]> {
  try {
    return await insertInOneStatement(db, events);
  } catch (error) {
    // A row whose week of the log is not made yet (a clock weeks ahead or behind the others'): the
    // week is made and the batch tried once more. Never inside a caller's transaction, which the
    // failed statement has ended.
    if (!isMissingPartition(error) || db.isTransaction) throw error;
    const times = events.map((event) => event.receivedAt.getTime());
    await ensureEventLogPartitions(db, { from: new Date(Math.min(...times)), to: new Date(Math.max(...times)) });
    return await insertInOneStatement(db, events);
  }
}

async function insertInOneStatement(db: Db, events: readonly EventToInsert[]): Promise<(InsertedWebhookEvent | undefined)[]> {
  const rows = events.map((event, n) => ({
    n,
    config_id: event.configId,
    config_key: event.configKey,
    config_version: event.configVersion,
    source: event.source,
    method: event.method,
    path: event.path,
    headers: event.headers,
    query: event.query,
    raw_body: event.rawBody.toString('base64'),
    client_ip: event.clientIp,
    received_at: event.receivedAt,
    idempotency_key: event.idempotencyKey,
    response_mode: event.responseMode,
    status: event.status,
    attempts: event.attempts,
    max_attempts: event.maxAttempts,
    available_at: 'leaseMs' in event ? null : event.availableAt,
    lease_ms: 'leaseMs' in event ? Math.round(event.leaseMs) : null,
    lease_owner: event.leaseOwner,
    trace: event.trace,
    fields: event.fields ?? {},
    request_id: event.requestId ?? null,
    ordering_key: event.orderingKey ?? null,
  }));
  let leaseSince = performance.now();
  // Every string (path, key, headers, trace...) is escaped once by toJsonbParam, as for one event.
  const { rows: inserted } = await db
    .raw<{
      rows: {
        n: number;
        id: string | number | null;
        available_at: Date | string | null;
        attempt_id: string | number | null;
      }[];
    }>(
      `WITH input AS MATERIALIZED (
         SELECT nextval(pg_get_serial_sequence('webhook_events', 'id')) AS id, r.*
         FROM jsonb_to_recordset(?::jsonb) AS r(
           n integer, config_id bigint, config_key text, config_version integer, source text, method text, path text,
           headers jsonb, query jsonb, raw_body text, client_ip text, received_at timestamptz, idempotency_key text,
           response_mode text, status text, attempts integer, max_attempts integer, available_at timestamptz,
           lease_ms integer, lease_owner text, trace jsonb, fields jsonb, request_id text, ordering_key text)),
       -- Idempotency keys are unique in their own table (a partitioned log cannot hold a unique index
       -- without the partition key): the first of a key wins, a repeat is neither keyed nor stored.
       keyed AS (
         INSERT INTO webhook_event_dedup_keys (dedup_scope, idempotency_key, event_id, received_at)
         SELECT CASE WHEN source = 'router' THEN 'config:' || config_id::text ELSE source END, idempotency_key, id, received_at
         FROM input WHERE idempotency_key IS NOT NULL ORDER BY n
         ON CONFLICT DO NOTHING
         RETURNING event_id),
       inserted AS (
         INSERT INTO webhook_events (id, config_id, config_key, config_version, source, method, path, headers, query,
           raw_body, client_ip, received_at, idempotency_key, response_mode, status, attempts, max_attempts,
           available_at, lease_owner, trace, fields, request_id)
         SELECT id, config_id, config_key, config_version, source, method, path, headers, query,
           decode(raw_body, 'base64'), client_ip, received_at, idempotency_key, response_mode, status, attempts,
           max_attempts, CASE WHEN lease_ms IS NULL THEN available_at ELSE now() + lease_ms * interval '1 millisecond' END,
           lease_owner, trace, fields, request_id
         FROM input WHERE idempotency_key IS NULL OR id IN (SELECT event_id FROM keyed) ORDER BY n
         RETURNING id, status, available_at),
       -- A queued or running event gets its queue row, which holds its state from now on (event-queue-state.ts).
       enqueued AS (
         INSERT INTO webhook_event_queue (event_id, received_at, due_at, lease_owner, attempts, max_attempts, source, ordering_key, ordering_seq,
           waiting_due_at)
         SELECT input.id, input.received_at, CASE WHEN behind THEN 'infinity' ELSE due END, input.lease_owner, input.attempts, input.max_attempts,
           input.source, input.ordering_key, CASE WHEN input.ordering_key IS NOT NULL THEN input.id END,
           CASE WHEN behind THEN due END
         FROM input JOIN inserted ON inserted.id = input.id,
           -- Behind an earlier event of its key, it waits out of the due order (ordering-keys.ts).
           LATERAL (SELECT coalesce(inserted.available_at, input.received_at) AS due,
             input.ordering_key IS NOT NULL AND EXISTS (
               SELECT 1 FROM webhook_event_queue earlier WHERE earlier.ordering_key = input.ordering_key) AS behind) placed
         WHERE inserted.status IN ('queued', 'processing')),
       opened AS (
         INSERT INTO webhook_event_attempts (event_id, attempt, worker, config_version, started_at, outcome)
         SELECT input.id, input.attempts, input.lease_owner, input.config_version, input.received_at, 'running'
         FROM input JOIN inserted ON inserted.id = input.id
         WHERE input.lease_ms IS NOT NULL
         RETURNING id, event_id),
       -- A CTE that only SELECTs runs only when referenced: the notified column below references it.
       notified AS (SELECT pg_notify(?, '') FROM inserted WHERE status = 'queued' LIMIT 1)
       SELECT input.n, inserted.id, inserted.available_at, opened.id AS attempt_id,
         (SELECT count(*) FROM notified) AS notified
       FROM input LEFT JOIN inserted ON inserted.id = input.id LEFT JOIN opened ON opened.event_id = input.id
       ORDER BY input.n`,
      [toJsonbParam(rows), eventsQueuedChannel],
    )
    .options({ name: 'insert_webhook_events' })
    .on('query', () => {
      leaseSince = performance.now();
    });
  return inserted.map((row) =>
    row.id === null
      ? undefined
      : {
          id: Number(row.id),
          lease:
            row.attempt_id === null
              ? null
              : { attemptId: Number(row.attempt_id), availableAt: new Date(row.available_at!), leaseSince },
        },
  );
}

/** The event as just stored: what was inserted, with its id; the raw body does not travel back from the database. */
export function storedEvent(event: NewWebhookEvent, id: number): WebhookEvent {
  return {
    ...event,
    requestId: event.requestId ?? null,
    id,
    result: null,
    errors: null,
    httpResponse: null,
    completedAt: null,
  };
}
