import type { ProcessInstance, ProcessStatus, WaitingTask } from '../domain/process-instance.js';
import type { Db } from '../store/open-database.js';
import { cancelCalledInstances, reserveCallTreeInstances } from '../store/process-calls.js';
import { activeTraceHeaders } from '../tracing/trace-context.js';
import { insertProcessInstance, type ProcessInstanceChange } from '../store/process-instances.js';
import { callTreeFullSentence, maxCallTreeInstances, type PlannedCall } from './call-activities.js';
import type { RunDeps } from './run-types.js';

/** The final save's part in the call tree: what it rewrites in its transaction, and what that came to. */
export interface ChildrenInFinalSave {
  /** Rewrites the final change inside its transaction; undefined when there are no children to start or cancel. */
  readonly prepare: ((tx: Db, now: Date) => Promise<ProcessInstanceChange>) | undefined;
  /** After the save: the children it stored, or why the call tree refused them. */
  result(): { readonly children: readonly ProcessInstance[]; readonly treeFull: string | undefined };
}

/**
 * Children are stored with the state that waits for them, and cancelled with the one that no
 * longer does, so a crash never leaves a parent waiting for a child that does not exist, nor a
 * child running for a parent that stopped waiting. Room for them in the call tree is reserved in
 * the same transaction: refused, the instance ends in ERROR instead.
 */
export function childrenInFinalSave(
  deps: Pick<RunDeps, 'owner' | 'leaseMs'>,
  instance: ProcessInstance,
  plans: readonly PlannedCall[],
  change: ProcessInstanceChange,
): ChildrenInFinalSave {
  let children: ProcessInstance[] = [];
  let treeFull: string | undefined;
  const prepare =
    plans.length > 0 || droppedChildren(instance, change.waiting).length > 0
      ? async (tx: Db, now: Date): Promise<ProcessInstanceChange> => {
          if (plans.length > 0 && !(await reserveCallTreeInstances(tx, instance.id, plans.length, maxCallTreeInstances))) {
            treeFull = callTreeFullSentence(plans);
            await cancelCalledInstances(tx, droppedChildren(instance, []), now, noLongerWaits(instance, 'ERROR'));
            return {
              ...change,
              status: 'ERROR',
              engineState: null,
              waiting: [],
              errors: [...change.errors, treeFull],
              timerDueAt: null,
              completedAt: now,
            };
          }
          await cancelCalledInstances(tx, droppedChildren(instance, change.waiting), now, noLongerWaits(instance, change.status));
          children = await startChildren(tx, deps, instance, plans, now);
          return { ...change, waiting: withChildren(change.waiting, plans, children) };
        }
      : undefined;
  return { prepare, result: () => ({ children, treeFull }) };
}

/** Children the instance's call activities started that `waiting` no longer waits for. */
function droppedChildren(instance: ProcessInstance, waiting: readonly WaitingTask[]): number[] {
  const stillCalled = new Set(waiting.map((task) => task.childInstanceId));
  return instance.waiting.flatMap((task) =>
    task.childInstanceId !== undefined && !stillCalled.has(task.childInstanceId) ? [task.childInstanceId] : [],
  );
}

function noLongerWaits(instance: ProcessInstance, status: ProcessStatus): string {
  return `Its call activity in instance ${instance.id} no longer waits (${status})`;
}

/** Stores each planned child, leased to this process, which runs it next. */
async function startChildren(
  tx: Db,
  deps: Pick<RunDeps, 'owner' | 'leaseMs'>,
  parent: ProcessInstance,
  plans: readonly PlannedCall[],
  now: Date,
): Promise<ProcessInstance[]> {
  const children: ProcessInstance[] = [];
  // A child's own timers link to the trace that ran its parent's call activity.
  const traceContext = activeTraceHeaders();
  for (const plan of plans) {
    children.push(
      await insertProcessInstance(tx, {
        definitionId: plan.definition.id,
        variables: plan.variables,
        now,
        owner: deps.owner,
        leaseMs: deps.leaseMs,
        parentInstanceId: parent.id,
        callDepth: parent.callDepth + 1,
        ...(traceContext && { traceContext }),
      }),
    );
  }
  return children;
}

function withChildren(
  waiting: readonly WaitingTask[],
  plans: readonly PlannedCall[],
  children: readonly ProcessInstance[],
): WaitingTask[] {
  return waiting.map((task) => {
    const index = plans.findIndex((plan) => plan.taskId === task.id);
    const child = index === -1 ? undefined : children[index];
    return child ? { ...task, childInstanceId: child.id } : task;
  });
}
