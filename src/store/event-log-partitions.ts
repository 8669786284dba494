import type { Knex } from 'knex';
import { queueTable } from './event-queue-state.js';

/**
 * The event log (`webhook_events`) is partitioned by `received_at`, one partition per week (Monday
 * 00:00 UTC to the next Monday), with no DEFAULT partition (migration 20261207100000). Partitions are
 * made ahead by every process (see the event log upkeep), and on demand when a row finds none (a
 * clock skewed by weeks); retention drops whole partitions, never deleting event rows one by one.
 */
export const eventLogTable = 'webhook_events';
/** Where idempotency keys are unique across partitions: a unique index on the log must hold the partition key. */
export const dedupKeysTable = 'webhook_event_dedup_keys';

const dayMs = 86_400_000;
const weekMs = 7 * dayMs;
/** 1970-01-01 was a Thursday: weeks start four days later in the epoch's count. */
const firstMondayMs = 4 * dayMs;
const partitionName = /^webhook_events_w(\d{4})(\d{2})(\d{2})$/;
/** Weeks outside these years are a broken clock, not a partition to make. */
const earliestYear = 2000;
const latestYear = 9999;

/** One week of the log. */
export interface EventLogPartition {
  readonly name: string;
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

/** The week holding `at`. */
export function partitionFor(at: Date): EventLogPartition {
  const from = new Date(Math.floor((at.getTime() - firstMondayMs) / weekMs) * weekMs + firstMondayMs);
  const day = from.toISOString().slice(0, 10).replaceAll('-', '');
  return { name: `webhook_events_w${day}`, from, to: new Date(from.getTime() + weekMs) };
}

/** The weeks from the one holding `from` to the one holding `to`, oldest first. */
export function partitionsBetween(from: Date, to: Date): EventLogPartition[] {
  const weeks: EventLogPartition[] = [];
  for (let week = partitionFor(from); week.from <= to; week = partitionFor(week.to)) weeks.push(week);
  return weeks;
}

/** The log's partitions as they are now, oldest first. */
export async function listEventLogPartitions(db: Knex): Promise<EventLogPartition[]> {
  const { rows } = await db.raw<{ rows: { name: string }[] }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = ?::regclass`,
    [eventLogTable],
  );
  return rows
    .flatMap(({ name }) => {
      const date = partitionName.exec(name);
      return date ? [partitionFor(new Date(`${date[1]}-${date[2]}-${date[3]}T00:00:00Z`))] : [];
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/**
 * Makes the weeks from `from` to `to` that do not exist yet. Each is created on its own, then
 * attached: ATTACH PARTITION takes a lock on the log that reads and writes do not wait for, where
 * CREATE TABLE ... PARTITION OF would queue every insert behind a long report. Processes making the
 * same weeks at once take turns on an advisory lock.
 */
export async function ensureEventLogPartitions(db: Knex, span: { from: Date; to: Date }): Promise<void> {
  const first = Math.max(span.from.getTime(), Date.UTC(earliestYear, 0, 1));
  const last = Math.min(span.to.getTime(), Date.UTC(latestYear, 11, 24));
  if (first > last) throw new Error(`No event log partition is made for ${span.from.toISOString()}: the clock is off`);
  const wanted = partitionsBetween(new Date(first), new Date(last));
  const existing = new Set((await listEventLogPartitions(db)).map((partition) => partition.name));
  const missing = wanted.filter((partition) => !existing.has(partition.name));
  if (missing.length === 0) return;
  await db.transaction(async (trx) => {
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtext('webhook_events partitions'))`);
    const made = new Set((await listEventLogPartitions(trx)).map((partition) => partition.name));
    for (const partition of missing) {
      if (made.has(partition.name)) continue;
      await trx.raw(`CREATE TABLE ?? (LIKE ?? INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING STORAGE)`, [
        partition.name,
        eventLogTable,
      ]);
      // DDL takes no parameters: the bounds are ISO strings made from dates, nothing a caller wrote.
      const bounds = `FROM ('${partition.from.toISOString()}') TO ('${partition.to.toISOString()}')`;
      await trx.raw(`ALTER TABLE ?? ATTACH PARTITION ?? FOR VALUES ${bounds}`, [eventLogTable, partition.name]);
    }
  });
}

/** Why a partition past retention was kept. */
export type PartitionDrop = 'dropped' | 'holds-queued-events' | 'busy';

/** Rows deleted per statement in a partition's satellite tables (attempts, dedup keys). */
const satelliteBatch = 5_000;

/**
 * Drops one week of the log, unless an event of it is still queued or running (a replay may have
 * requeued an old one): those weeks wait for the next run. First the week's attempts and dedup keys
 * go (rows, in batches: they live in unpartitioned tables), then the week itself goes in a short
 * transaction that holds the whole log still, so no replay can requeue one of its events in between.
 * The lock is waited for at most `lockTimeoutMs`, so a long report holding the log makes the drop
 * wait for a later run instead of making every webhook wait behind the drop ('busy'). A replay that
 * requeues an event of the week between the first check and the lock keeps the week and its event,
 * not that event's earlier attempts.
 */
export async function dropEventLogPartition(
  db: Knex,
  partition: EventLogPartition,
  options: { lockTimeoutMs?: number } = {},
): Promise<PartitionDrop> {
  if (await holdsQueuedEvents(db, partition)) return 'holds-queued-events';
  await deleteAttemptsOf(db, partition);
  await deleteDedupKeysOf(db, partition);
  try {
    return await db.transaction(async (trx) => {
      await trx.raw(`SET LOCAL lock_timeout = ${Math.round(options.lockTimeoutMs ?? 100)}`);
      await trx.raw(`LOCK TABLE ?? IN ACCESS EXCLUSIVE MODE`, [eventLogTable]);
      if (await holdsQueuedEvents(trx, partition)) return 'holds-queued-events';
      await trx.raw(`ALTER TABLE ?? DETACH PARTITION ??`, [eventLogTable, partition.name]);
      await trx.raw(`DROP TABLE ??`, [partition.name]);
      return 'dropped';
    });
  } catch (error) {
    if ((error as { code?: string }).code === lockNotAvailable) return 'busy';
    throw error;
  }
}

const lockNotAvailable = '55P03';

async function holdsQueuedEvents(db: Knex, partition: EventLogPartition): Promise<boolean> {
  const { rows } = await db.raw<{ rows: unknown[] }>(
    `SELECT 1 FROM ${queueTable} WHERE received_at >= ? AND received_at < ? LIMIT 1`,
    [partition.from, partition.to],
  );
  return rows.length > 0;
}

/**
 * The week's attempts, `satelliteBatch` events at a time in id order: each statement walks the
 * week's primary key from where the last one stopped and deletes through the attempts' unique index,
 * so no batch reads the whole attempts table, whatever the planner knows of its size.
 */
async function deleteAttemptsOf(db: Knex, partition: EventLogPartition): Promise<void> {
  let after = 0;
  for (;;) {
    const { rows } = await db.raw<{ rows: { last: string | number | null }[] }>(
      `WITH batch AS MATERIALIZED (SELECT id FROM ?? WHERE id > ? ORDER BY id LIMIT ${satelliteBatch}),
       deleted AS (
         DELETE FROM webhook_event_attempts WHERE event_id = ANY((SELECT array_agg(id) FROM batch)::bigint[]))
       SELECT max(id) AS last FROM batch`,
      [partition.name, after],
    );
    const last = rows[0]?.last;
    if (last === null || last === undefined) return;
    after = Number(last);
  }
}

/** The week's idempotency keys, `satelliteBatch` at a time, found by their received_at index. */
async function deleteDedupKeysOf(db: Knex, partition: EventLogPartition): Promise<void> {
  for (;;) {
    const result = await db.raw<{ rowCount?: number | null; affectedRows?: number }>(
      `DELETE FROM ${dedupKeysTable} WHERE ctid IN (
         SELECT ctid FROM ${dedupKeysTable} WHERE received_at >= ? AND received_at < ? LIMIT ${satelliteBatch})`,
      [partition.from, partition.to],
    );
    // node-postgres reports rowCount, PGlite affectedRows.
    const deleted = result.rowCount ?? result.affectedRows ?? 0;
    if (deleted < satelliteBatch) return;
  }
}

/** Whether an insert failed because the log has no partition for a row's time. */
export function isMissingPartition(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return code === '23514' && typeof message === 'string' && message.includes('no partition of relation');
}
