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
 * How many instances the call tree of `instanceId` holds: its root (the instance no call activity
 * started) and everything called from it, at any depth, finished or not.
 */
export async function countCallTree(db: Db, instanceId: number): Promise<number> {
  const { rows } = await db.raw<{ rows: { count: string | number }[] }>(
    `with recursive up(id, parent) as (
       select id, parent_instance_id from process_instances where id = ?
       union all select p.id, p.parent_instance_id from process_instances p join up on p.id = up.parent),
     tree(id) as (
       select id from up where parent is null
       union all select child.id from process_instances child join tree on child.parent_instance_id = tree.id)
     select count(*) as count from tree`,
    [instanceId],
  );
  return Number(rows[0]?.count ?? 0);
}
