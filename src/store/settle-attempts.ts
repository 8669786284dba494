import type { AttemptFinish } from './webhook-event-attempts.js';
import type { EventSettlement } from './webhook-events.js';
import { toJsonbParam } from './jsonb-safe.js';
import type { Db } from './open-database.js';

/** One attempt's end, and the state it leaves its event in while `owner` still holds the lease for it. */
export interface AttemptSettlement {
  readonly attempt: { readonly id: number; readonly finish: AttemptFinish };
  readonly event: { readonly id: number; readonly owner: string; readonly attempt: number; readonly settlement: EventSettlement };
}

/**
 * Records how each attempt ended and settles each event whose lease `owner` still holds for this
 * very attempt (a process may claim its own expired event again), in one statement for the whole
 * batch: the rows travel as one JSON parameter, so the statement is the same text for any batch size.
 * One boolean per settlement: false when the lease was lost (the attempt is recorded still).
 */
export async function settleAttempts(db: Db, settlements: readonly AttemptSettlement[]): Promise<boolean[]> {
  const rows = settlements.map(({ attempt, event }) => {
    const { settlement } = event;
    return {
      attempt_id: attempt.id,
      outcome: attempt.finish.outcome,
      finished_at: attempt.finish.finishedAt,
      duration_ms: attempt.finish.durationMs,
      attempt_errors: attempt.finish.errors,
      logs: attempt.finish.logs,
      steps: attempt.finish.steps,
      event_id: event.id,
      owner: event.owner,
      attempt: event.attempt,
      status: settlement.status,
      result: settlement.status === 'succeeded' ? settlement.result : null,
      http_response: settlement.status === 'succeeded' ? settlement.httpResponse : null,
      errors: settlement.status === 'succeeded' ? null : settlement.errors,
      completed_at: settlement.status === 'queued' ? null : settlement.at,
      available_at: settlement.status === 'queued' ? settlement.retryAt : null,
    };
  });
  const attemptIds = settlements.map(({ attempt }) => attempt.id);
  const eventIds = settlements.map(({ event }) => event.id);
  // A JSON null becomes SQL NULL in jsonb_to_recordset, as toJsonbParam(null) did for one row.
  // The lease is the test that the event is still this attempt's, on its queue row: a final state
  // deletes the row and writes the event's; a retry hands the row back to the queue, due at its time,
  // and writes only the event's errors (its result, direct response and completion stay an earlier
  // attempt's). Rows are found by primary key, the ids as arrays so the planner knows how few there are,
  // and the events within their queue rows' received_at, so only their weeks of the log are read.
  const { rows: settled } = await db
    .raw<{ rows: { id: string | number }[] }>(
      `WITH s AS MATERIALIZED (
       SELECT * FROM jsonb_to_recordset(?::jsonb) AS s(
         attempt_id bigint, outcome text, finished_at timestamptz, duration_ms double precision, attempt_errors jsonb,
         logs jsonb, steps jsonb, event_id bigint, owner text, attempt integer, status text, result jsonb,
         http_response jsonb, errors jsonb, completed_at timestamptz, available_at timestamptz)),
     finished AS (
       UPDATE webhook_event_attempts a SET outcome = s.outcome, finished_at = s.finished_at, duration_ms = s.duration_ms,
         errors = s.attempt_errors, logs = s.logs, steps = s.steps
       FROM s WHERE a.id = ANY(?::bigint[]) AND a.id = s.attempt_id),
     done AS (
       DELETE FROM webhook_event_queue q USING s
       WHERE q.event_id = ANY(?::bigint[]) AND q.event_id = s.event_id AND q.lease_owner = s.owner AND q.attempts = s.attempt
         AND s.status <> 'queued' AND NOT (s.status = 'dead' AND q.ordering_key IS NOT NULL)
       RETURNING q.event_id, q.received_at, q.attempts, q.max_attempts, q.ordering_key),
     -- A dead event with an ordering key keeps its row, parked: its key's later events wait for an
     -- operator (ordering-keys.ts).
     parked AS (
       UPDATE webhook_event_queue q SET parked = true, lease_owner = NULL, due_at = 'infinity', limited_config = NULL FROM s
       WHERE q.event_id = ANY(?::bigint[]) AND q.event_id = s.event_id AND q.lease_owner = s.owner AND q.attempts = s.attempt
         AND s.status = 'dead' AND q.ordering_key IS NOT NULL
       RETURNING q.event_id, q.received_at, q.attempts, q.max_attempts, q.ordering_key),
     -- A retry no longer counts as running for its configuration's limits (limited_config): when it
     -- comes due, the claim sends it through the admission again. A deferred attempt (Retry-After)
     -- gives its event one more attempt (its number stays taken by the attempt that got the answer).
     retried AS (
       UPDATE webhook_event_queue q SET lease_owner = NULL, due_at = s.available_at, limited_config = NULL,
         max_attempts = q.max_attempts + CASE WHEN s.outcome = 'deferred' THEN 1 ELSE 0 END FROM s
       WHERE q.event_id = ANY(?::bigint[]) AND q.event_id = s.event_id AND q.lease_owner = s.owner AND q.attempts = s.attempt
         AND s.status = 'queued'
       RETURNING q.event_id, q.received_at, q.attempts, q.max_attempts, q.ordering_key),
     -- The next event of a finished event's key leaves its wait (ordering-keys.ts).
     promoted AS (
       UPDATE webhook_event_queue q SET due_at = q.waiting_due_at, waiting_due_at = NULL
       FROM (SELECT DISTINCT ON (w.ordering_key) w.event_id FROM webhook_event_queue w
             WHERE w.ordering_key IN (SELECT ordering_key FROM done WHERE ordering_key IS NOT NULL) AND w.waiting_due_at IS NOT NULL
             ORDER BY w.ordering_key, w.ordering_seq) next
       WHERE q.event_id = next.event_id),
     settled AS (SELECT * FROM done UNION ALL SELECT * FROM retried UNION ALL SELECT * FROM parked)
     UPDATE webhook_events e SET
       status = s.status,
       attempts = settled.attempts,
       max_attempts = settled.max_attempts,
       lease_owner = NULL,
       result = CASE WHEN s.status = 'succeeded' THEN s.result ELSE e.result END,
       http_response = CASE WHEN s.status = 'succeeded' THEN s.http_response ELSE e.http_response END,
       errors = s.errors,
       completed_at = CASE WHEN s.status = 'queued' THEN e.completed_at ELSE s.completed_at END,
       available_at = s.available_at
     FROM s JOIN settled ON settled.event_id = s.event_id
     WHERE e.id = ANY(?::bigint[]) AND e.id = s.event_id
       AND e.received_at BETWEEN (SELECT min(received_at) FROM settled) AND (SELECT max(received_at) FROM settled)
     RETURNING e.id`,
      [toJsonbParam(rows), attemptIds, eventIds, eventIds, eventIds, eventIds],
    )
    .options({ name: 'settle_attempts' });
  const ids = new Set(settled.map((row) => Number(row.id)));
  return settlements.map(({ event }) => ids.has(event.id));
}
