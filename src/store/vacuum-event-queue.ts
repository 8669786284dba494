import { queueTable } from './event-queue-state.js';
import type { Knex } from 'knex';

/**
 * Vacuums the queue table (event-queue-state.ts): its dead row versions and their index entries go,
 * and its page and row counts, which the planner scales by the table's current size, are renewed.
 * SKIP_LOCKED: when another process is vacuuming it already, this one does nothing. VACUUM cannot
 * run in a transaction, so it takes the knex instance, never a transaction.
 */
export async function vacuumEventQueue(db: Knex): Promise<void> {
  await db.raw(`VACUUM (SKIP_LOCKED) ${queueTable}`);
}
