import type { Knex } from 'knex';
import { createGroupCommit } from '../store/group-commit.js';
import { type EventToInsert, type InsertedWebhookEvent, insertWebhookEvents } from '../store/insert-webhook-events.js';
import { isStoreUnavailable } from '../store/is-store-unavailable.js';

/**
 * Stores one accepted event, queued or running (a sync one, leased with its first attempt opened);
 * resolves once the statement holding it has committed, or to undefined for a repeated idempotency
 * key (see insertWebhookEvents).
 */
export type InsertEvent = (event: EventToInsert) => Promise<InsertedWebhookEvent | undefined>;

/**
 * How accepts are grouped: a batch collects for at most a millisecond (or until 64 events), and at
 * most four are written at once, so ingest holds at most four pool connections.
 */
export const insertBatching = { maxBatch: 64, maxWaitMs: 1, maxInFlight: 4 } as const;

/**
 * Group commit of accepted events, sync and async alike: concurrent accepts are written by one statement per batch, and
 * each caller is answered only after the commit that holds its event. A batch the store cannot take
 * fails for every caller in it (each answers 503); a row the database refuses fails only its own
 * caller, the rest of its batch being written again without it.
 */
export function createInsertBatches(db: Knex): InsertEvent {
  const group = createGroupCommit<EventToInsert, InsertedWebhookEvent | undefined>({
    ...insertBatching,
    write: (events) => insertWebhookEvents(db, events),
    isItemFault: (error) => !isStoreUnavailable(error),
  });
  return (event) => group.submit(event);
}
