import type { Db } from './open-database.js';

const finished = ['COMPLETED', 'ERROR', 'CANCELLED'];

/** Records that a finished child was handed back to its parent: written with the parent's next state. */
export async function markChildReturned(db: Db, childId: number): Promise<void> {
  await db('process_instances').where({ id: childId }).update({ returned_to_parent: true });
}

/**
 * Cancels the unfinished instances `ids` and every instance called from them: called processes
 * whose call activity no longer waits (the parent ended, was cancelled, or a boundary event took it
 * elsewhere). A process advancing one of them loses its lease and its saves are refused.
 */
export async function cancelCalledInstances(db: Db, ids: readonly number[], now: Date, reason: string): Promise<void> {
  if (ids.length === 0) return;
  // One that finished meanwhile is not handed back either: nothing waits for it any more.
  await db('process_instances').whereIn('id', ids).update({ returned_to_parent: true });
  await db.raw(
    `with recursive called(id) as (
       select id from process_instances where id in (${ids.map(() => '?').join(', ')})
       union select child.id from process_instances child join called on child.parent_instance_id = called.id)
     update process_instances
        set status = 'CANCELLED', engine_state = null, waiting = '[]'::jsonb, errors = ?::jsonb, timer_due_at = null,
            completed_at = ?, updated_at = ?, lease_owner = null, lease_until = null, returned_to_parent = true
      where id in (select id from called) and status not in (${finished.map(() => '?').join(', ')})`,
    [...ids, JSON.stringify([reason]), now, now, ...finished],
  );
}

/**
 * Reserves room for `count` more instances in the call tree of `instanceId`, in the caller's
 * transaction (the one that stores them): the tree's root row counts its instances, itself included,
 * and is raised only while the sum stays within `max`. The row lock makes concurrent reservations of
 * one tree (sibling branches, other processes) wait for each other, and PostgreSQL checks the bound
 * again on the row as the first left it, so no two can pass it together. False when refused.
 */
export async function reserveCallTreeInstances(db: Db, instanceId: number, count: number, max: number): Promise<boolean> {
  const { rows } = await db.raw<{ rows: unknown[] }>(
    `with recursive up(id, parent) as (
       select id, parent_instance_id from process_instances where id = ?
       union all select p.id, p.parent_instance_id from process_instances p join up on p.id = up.parent)
     update process_instances set call_tree_size = call_tree_size + ?
      where id = (select id from up where parent is null) and call_tree_size + ? <= ?
     returning id`,
    [instanceId, count, count, max],
  );
  return rows.length === 1;
}
