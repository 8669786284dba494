/**
 * Where an event's delivery state lives. While an event is queued or running it has a row in
 * `webhook_event_queue` (migration 20261207000000), and that row holds its state: queued, or
 * processing once leased; its attempts, budget, due time or lease end, lease owner. The event row
 * in `webhook_events` is written when the event is accepted and when it is final (and its `errors`
 * on a retry), so a claim or a lease extension never writes the wide row. Every read of an event
 * goes through these expressions, over `webhook_events e LEFT JOIN webhook_event_queue q`.
 */
export const queueTable = 'webhook_event_queue';

/** The join every read of an event's current state uses. */
export const eventWithQueue = `webhook_events e LEFT JOIN ${queueTable} q ON q.event_id = e.id`;

/** The event's status as the API shows it. */
export const currentStatus = `CASE WHEN q.event_id IS NULL OR q.parked THEN e.status WHEN q.lease_owner IS NULL THEN 'queued' ELSE 'processing' END`;

/** The state columns of WebhookEventRow, read from the queue row while there is one. */
export const currentStateColumns = [
  `${currentStatus} AS status`,
  'coalesce(q.attempts, e.attempts) AS attempts',
  'coalesce(q.max_attempts, e.max_attempts) AS max_attempts',
  // An event out of the due order (due_at infinity) shows the due time it keeps aside: held for a
  // paused configuration (delivery-pause.ts), behind its key (ordering-keys.ts), waiting for its
  // configuration's limits (admit-limited-events.ts). A parked event is dead: its row only holds its key.
  'CASE WHEN q.event_id IS NULL OR q.parked THEN e.available_at ELSE coalesce(q.held_due_at, q.waiting_due_at, q.limit_due_at, q.due_at) END AS available_at',
  'q.lease_owner AS lease_owner',
].join(', ');

/** The columns of WebhookEventRow that currentStateColumns gives. */
export const stateColumnNames: readonly string[] = ['status', 'attempts', 'max_attempts', 'available_at', 'lease_owner'];
