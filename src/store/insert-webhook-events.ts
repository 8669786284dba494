import type { NewWebhookEvent } from '../domain/webhook-event.js';
import { toJsonbParam } from './jsonb-safe.js';
import type { Db } from './open-database.js';

/** The channel an accept NOTIFYs when it queued an event, so that every process's worker wakes. */
export const eventsQueuedChannel = 'webhook_events_queued';

/**
 * Stores received events in one statement, one id per event in order; undefined for an event whose
 * idempotency key is already stored in its dedup scope (the configuration for the router, the source
 * for every other), or repeated earlier in the same batch. When one is queued, NOTIFYs
 * `eventsQueuedChannel` (delivered at commit).
 *
 * The rows travel as one JSON parameter (the body as base64), so the statement text is the same
 * for any batch; ids are drawn first, so each returned id can be matched to its input row.
 */
export async function insertWebhookEvents(db: Db, events: readonly NewWebhookEvent[]): Promise<(number | undefined)[]> {
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
    available_at: event.availableAt,
    lease_owner: event.leaseOwner,
    trace: event.trace,
    fields: event.fields ?? {},
    request_id: event.requestId ?? null,
  }));
  // Every string (path, key, headers, trace...) is escaped once by toJsonbParam, as for one event.
  const { rows: inserted } = await db.raw<{ rows: { n: number; id: string | number | null }[] }>(
    `WITH input AS MATERIALIZED (
       SELECT nextval(pg_get_serial_sequence('webhook_events', 'id')) AS id, r.*
       FROM jsonb_to_recordset(?::jsonb) AS r(
         n integer, config_id bigint, config_key text, config_version integer, source text, method text, path text,
         headers jsonb, query jsonb, raw_body text, client_ip text, received_at timestamptz, idempotency_key text,
         response_mode text, status text, attempts integer, max_attempts integer, available_at timestamptz,
         lease_owner text, trace jsonb, fields jsonb, request_id text)),
     inserted AS (
       INSERT INTO webhook_events (id, config_id, config_key, config_version, source, method, path, headers, query,
         raw_body, client_ip, received_at, idempotency_key, response_mode, status, attempts, max_attempts,
         available_at, lease_owner, trace, fields, request_id)
       SELECT id, config_id, config_key, config_version, source, method, path, headers, query,
         decode(raw_body, 'base64'), client_ip, received_at, idempotency_key, response_mode, status, attempts, max_attempts,
         available_at, lease_owner, trace, fields, request_id
       FROM input ORDER BY n
       ON CONFLICT (dedup_scope, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id, status),
     -- A CTE that only SELECTs runs only when referenced: the notified column below references it.
     notified AS (SELECT pg_notify(?, '') FROM inserted WHERE status = 'queued' LIMIT 1)
     SELECT input.n, inserted.id, (SELECT count(*) FROM notified) AS notified
     FROM input LEFT JOIN inserted ON inserted.id = input.id
     ORDER BY input.n`,
    [toJsonbParam(rows), eventsQueuedChannel],
  );
  return inserted.map((row) => (row.id === null ? undefined : Number(row.id)));
}
