import { eventsQueuedChannel } from './insert-webhook-events.js';
import { escapeStoredText, unescapeStoredText } from './jsonb-safe.js';
import type { Db } from './open-database.js';

/**
 * Parked ordering keys: a queued event's row with an ordering key is the head of its key while no
 * row of the same key comes before it (`ordering_seq`), and only heads are claimed. A dead event
 * with a key keeps its row, `parked`, so its successors wait (the settle does it); an operator then
 * releases the key: the dead event runs again first, or is skipped (its row goes, its successors run).
 */
export interface ParkedKey {
  readonly configId: number;
  readonly configKey: string;
  readonly orderingKey: string;
  readonly deadEventId: number;
  readonly waitingEvents: number;
  readonly parkedAt: Date | null;
}

/** The queue's form of a configuration's ordering key (as the accept stored it: text escaped, see jsonb-safe). */
export function storedOrderingKey(configId: number, key: string): string {
  return `${configId}:${escapeStoredText(key)}`;
}

/** Every parked key (of one configuration when given), oldest dead event first, at most 1,000. */
export async function listParkedKeys(db: Db, configId?: number): Promise<ParkedKey[]> {
  const { rows } = await db.raw<{
    rows: {
      ordering_key: string;
      event_id: string | number;
      config_id: string | number;
      config_key: string;
      completed_at: Date | string | null;
      waiting: string | number;
    }[];
  }>(
    `SELECT q.ordering_key, q.event_id, e.config_id, e.config_key, e.completed_at,
       (SELECT count(*) FROM webhook_event_queue w WHERE w.ordering_key = q.ordering_key AND NOT w.parked) AS waiting
     FROM webhook_event_queue q JOIN webhook_events e ON e.id = q.event_id
     WHERE q.parked ${configId === undefined ? '' : 'AND q.ordering_key LIKE ?'}
     ORDER BY q.event_id LIMIT 1000`,
    configId === undefined ? [] : [`${configId}:%`],
  );
  return rows.map((row) => ({
    configId: Number(row.config_id),
    configKey: row.config_key,
    orderingKey: unescapeStoredText(row.ordering_key.slice(row.ordering_key.indexOf(':') + 1)),
    deadEventId: Number(row.event_id),
    waitingEvents: Number(row.waiting),
    parkedAt: row.completed_at === null ? null : new Date(row.completed_at),
  }));
}

/**
 * Releases a parked key. `skip`: the dead event's row goes and the event stays dead; else the
 * event is queued again in place (due `now`, `extraAttempts` more attempts), still first of its key.
 * Returns the dead event's id, or undefined when the key is not parked.
 */
export async function releaseParkedKey(
  db: Db,
  release: { scopedKey: string; skip: boolean; now: Date; extraAttempts: number; note: object },
): Promise<number | undefined> {
  const parked = await db('webhook_event_queue')
    .where({ ordering_key: release.scopedKey, parked: true })
    .forUpdate()
    .first<{ event_id: string | number } | undefined>('event_id');
  if (!parked) return undefined;
  const eventId = Number(parked.event_id);
  const note = JSON.stringify([release.note]);
  if (release.skip) {
    await db('webhook_event_queue').where({ event_id: eventId }).delete();
    await promoteNextOfKey(db, release.scopedKey);
    await db.raw(
      `UPDATE webhook_events SET trace = jsonb_set(trace, '{ordering,released}', coalesce(trace#>'{ordering,released}', '[]'::jsonb) || ?::jsonb)
       WHERE id = ?`,
      [note, eventId],
    );
  } else {
    const { rows } = await db.raw<{ rows: { attempts: number; max_attempts: number }[] }>(
      `UPDATE webhook_events SET status = 'queued', available_at = ?, completed_at = NULL, max_attempts = attempts + ?,
         trace = jsonb_set(trace, '{ordering,released}', coalesce(trace#>'{ordering,released}', '[]'::jsonb) || ?::jsonb)
       WHERE id = ? RETURNING attempts, max_attempts`,
      [release.now, release.extraAttempts, note, eventId],
    );
    const event = rows[0]!;
    await db('webhook_event_queue').where({ event_id: eventId }).update({
      parked: false,
      due_at: release.now,
      lease_owner: null,
      attempts: event.attempts,
      max_attempts: event.max_attempts,
    });
  }
  await db.raw('SELECT pg_notify(?, ?)', [eventsQueuedChannel, '']);
  return eventId;
}

/** The first waiting event of a key leaves its wait: its head is gone. */
async function promoteNextOfKey(db: Db, scopedKey: string): Promise<void> {
  await db.raw(
    `UPDATE webhook_event_queue q SET due_at = q.waiting_due_at, waiting_due_at = NULL
     WHERE q.event_id = (SELECT w.event_id FROM webhook_event_queue w WHERE w.ordering_key = ? ORDER BY w.ordering_seq LIMIT 1)
       AND q.waiting_due_at IS NOT NULL`,
    [scopedKey],
  );
}

/**
 * Gives their due time back to waiting events that are now first of their key. The settle that
 * removes a key's head does it for the next one; this mends the race it cannot see: an event
 * stored behind the head in a transaction that committed after the settle read the key. Run by the
 * queue upkeep; reads only waiting rows (a partial index) and one index entry for each.
 */
export async function promoteFirstWaitingEvents(db: Db): Promise<number> {
  const { rows } = await db.raw<{ rows: { count: string | number }[] }>(
    `WITH promoted AS (
       UPDATE webhook_event_queue q SET due_at = q.waiting_due_at, waiting_due_at = NULL
       WHERE q.waiting_due_at IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM webhook_event_queue earlier
         WHERE earlier.ordering_key = q.ordering_key AND earlier.ordering_seq < q.ordering_seq)
       RETURNING 1)
     SELECT count(*) AS count FROM promoted`,
  );
  const promoted = Number(rows[0]?.count ?? 0);
  if (promoted > 0) await db.raw('SELECT pg_notify(?, ?)', [eventsQueuedChannel, '']);
  return promoted;
}
