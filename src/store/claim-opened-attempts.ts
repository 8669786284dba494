import type { WebhookEvent } from '../domain/webhook-event.js';
import { type LeaseClock, noteSent } from './event-leases.js';
import { interruptedErrors } from './webhook-event-attempts.js';
import { eventRowSelect, leaseEnd, toWebhookEvent, type WebhookEventRow } from './webhook-events.js';
import { toJsonbParam } from './jsonb-safe.js';
import type { Db } from './open-database.js';

/** A claimed event with its attempt already opened, and the configuration (id and version) it runs with. */
export interface ClaimedAttempt {
  readonly event: WebhookEvent;
  readonly attemptId: number;
  /** None when the event's configuration no longer exists (or, by reserved key, none is enabled). */
  readonly config: { readonly id: number; readonly version: number } | null;
}

type ClaimedRow = WebhookEventRow & {
  attempt_id: string | number;
  run_config_id: number | null;
  run_config_version: number | null;
};

/**
 * Leases up to `limit` due events to `owner` for `leaseMs`: queued ones whose time has come (`now`,
 * the caller's clock: a retry schedule), and leased ones whose lease expired on the database's clock
 * (their worker died). A lease is only ever compared with `now()` of the database, so a process
 * whose clock is skewed cannot take an event another one still holds. Only the narrow queue rows are
 * read in due order and written (event-queue-state.ts); the event rows are read by primary key. SKIP
 * LOCKED lets several processes claim side by side; the UPDATE checks the state again on the row it locks.
 *
 * It opens their attempts in the same statement: each notes its start with the version of the
 * configuration it runs with (the current one by id; a provider's event stored without one runs
 * with its reserved key's, when that one is enabled), and any earlier attempt still marked running
 * is noted as cut off. One round trip per batch: the caller takes the configurations themselves
 * from its cache. An event whose configuration is paused is held, not claimed (delivery-pause.ts).
 */
export async function claimOpenedAttempts(
  db: Db,
  claim: { owner: string; now: Date; leaseMs: number; limit: number; sent?: LeaseClock },
): Promise<ClaimedAttempt[]> {
  const due = `((q.lease_owner IS NULL AND q.due_at <= :now) OR (q.lease_owner IS NOT NULL AND q.due_at <= now()))`;
  // An event with an ordering key runs only when no event of its key comes before it (queued,
  // running, retrying, held or parked): one probe of webhook_event_queue_ordering per row.
  const firstOfItsKey = `(q.ordering_key IS NULL OR NOT EXISTS (
    SELECT 1 FROM webhook_event_queue earlier WHERE earlier.ordering_key = q.ordering_key AND earlier.ordering_seq < q.ordering_seq))`;
  // The due rows are picked once, in a materialized CTE: as a subquery of the UPDATE, the planner was
  // free to run the pick again as rows changed, and one claim took far more than `limit` events.
  // The pick walks webhook_event_queue_due from its start and stops after `limit` rows.
  const query = db
    .raw<{ rows: ClaimedRow[] }>(
      `WITH picked AS MATERIALIZED (
       SELECT event_id, received_at FROM webhook_event_queue q
       WHERE q.due_at <= greatest(:now, now()) AND ${due} AND ${firstOfItsKey}
       ORDER BY q.due_at, q.event_id LIMIT :limit FOR UPDATE SKIP LOCKED),
     -- The events by primary key, their ids as an array: joined to the picked rows instead, the
     -- planner may hash the whole log, not knowing how few rows a CTE returns. The bounds on
     -- received_at let the executor read only the weeks of the log holding them (run-time pruning).
     events AS MATERIALIZED (
       SELECT * FROM webhook_events WHERE id = ANY((SELECT array_agg(event_id) FROM picked)::bigint[])
         AND received_at BETWEEN (SELECT min(received_at) FROM picked) AND (SELECT max(received_at) FROM picked)),
     -- A configuration with limits, or backed off (Retry-After), runs its events through its
     -- admission (admit-limited-events.ts); the back-offs are read once per statement.
     configured AS MATERIALIZED (
       SELECT e.id AS event_id, coalesce(by_id.id, by_key.id) AS config_id,
         coalesce(by_id.version, by_key.version) AS config_version,
         coalesce(by_id.delivery_paused_at, by_key.delivery_paused_at) IS NOT NULL AS paused,
         coalesce(coalesce(by_id.max_concurrency, by_key.max_concurrency, by_id.max_per_second, by_key.max_per_second) IS NOT NULL
           OR coalesce(by_id.id, by_key.id) IN (SELECT config_id FROM delivery_limits WHERE backoff_until > now()), false) AS limited
       FROM events e
       LEFT JOIN webhook_configs by_id ON by_id.id = e.config_id
       LEFT JOIN LATERAL (
         SELECT w.id, w.version, w.delivery_paused_at, w.max_concurrency, w.max_per_second FROM webhook_configs w
         WHERE e.config_id IS NULL AND e.source <> 'router' AND w.is_enabled AND lower(w.key) = lower(e.config_key)
         ORDER BY w.id LIMIT 1) by_key ON true),
     -- An event of a paused configuration is held instead (delivery-pause.ts): out of the due order,
     -- its due time kept for the resume; a lease that ran out is given up with it.
     held AS (
       UPDATE webhook_event_queue q SET held_due_at = CASE WHEN q.lease_owner IS NULL THEN q.due_at ELSE now() END,
         due_at = 'infinity', lease_owner = NULL, held_for_config = c.config_id
       FROM configured c
       WHERE q.event_id = c.event_id AND c.paused AND ${due}),
     -- An event of a limited configuration that its admission has not let through waits for it
     -- instead: out of the due order too, its due time kept; not an attempt. So does an admitted one
     -- whose lease ran out (its worker died): its slot came free when the lease ended, and the
     -- admission may have given it to another event since, so its rerun is admitted again.
     limit_waits AS (
       UPDATE webhook_event_queue q SET limit_due_at = CASE WHEN q.lease_owner IS NULL THEN q.due_at ELSE now() END,
         due_at = 'infinity', lease_owner = NULL, limited_config = c.config_id
       FROM configured c
       WHERE q.event_id = c.event_id AND NOT c.paused AND c.limited
         AND (q.limited_config IS NULL OR q.lease_owner IS NOT NULL) AND ${due}
       RETURNING c.config_id),
     limit_rows AS (
       INSERT INTO delivery_limits (config_id) SELECT DISTINCT config_id FROM limit_waits ON CONFLICT DO NOTHING),
     -- An admitted event keeps its configuration in limited_config while it runs: the admission
     -- counts it as running.
     claimed AS (
       UPDATE webhook_event_queue q SET lease_owner = :owner, due_at = :leaseEnd, attempts = q.attempts + 1,
         limited_config = CASE WHEN c.limited THEN q.limited_config END
       FROM configured c
       WHERE q.event_id = c.event_id AND NOT c.paused
         AND (NOT c.limited OR (q.limited_config IS NOT NULL AND q.lease_owner IS NULL)) AND ${due}
       RETURNING q.*),
     runs AS MATERIALIZED (
       SELECT c.event_id, q.attempts AS attempt, c.config_id, c.config_version
       FROM claimed q JOIN configured c ON c.event_id = q.event_id),
     -- The attempts by their events' ids as an array too: joined to runs alone, the planner scanned
     -- every attempt ever recorded.
     interrupted AS (
       UPDATE webhook_event_attempts a SET outcome = 'interrupted', finished_at = :startedAt, errors = :interruptedErrors::jsonb
       FROM runs r
       WHERE a.event_id = ANY((SELECT array_agg(event_id) FROM runs)::bigint[]) AND a.event_id = r.event_id
         AND a.attempt < r.attempt AND a.outcome = 'running'),
     opened AS (
       INSERT INTO webhook_event_attempts (event_id, attempt, worker, config_version, started_at, outcome)
       SELECT event_id, attempt, :owner, config_version, :startedAt, 'running' FROM runs
       ON CONFLICT (event_id, attempt) DO UPDATE SET worker = excluded.worker, config_version = excluded.config_version,
         started_at = excluded.started_at, outcome = 'running'
       RETURNING id, event_id)
     SELECT ${eventRowSelect()}, opened.id AS attempt_id, runs.config_id AS run_config_id,
       runs.config_version AS run_config_version
     FROM claimed q JOIN events e ON e.id = q.event_id JOIN runs ON runs.event_id = q.event_id
       JOIN opened ON opened.event_id = q.event_id
     ORDER BY e.id`,
      {
        owner: claim.owner,
        now: claim.now,
        leaseEnd: leaseEnd(db, claim.leaseMs),
        limit: claim.limit,
        startedAt: claim.now,
        interruptedErrors: toJsonbParam(interruptedErrors),
      },
    )
    .options({ name: 'claim_opened_attempts' });
  const { rows } = await noteSent(query, claim.sent);
  return rows.map((row) => ({
    event: toWebhookEvent(row),
    attemptId: Number(row.attempt_id),
    config:
      row.run_config_id === null || row.run_config_version === null
        ? null
        : { id: Number(row.run_config_id), version: Number(row.run_config_version) },
  }));
}
