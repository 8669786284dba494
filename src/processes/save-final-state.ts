import type { SerializableContext } from 'moddle-context-serializer';
import type { ProcessInstance, ProcessStatus } from '../domain/process-instance.js';
import type { ActivityTracker } from './activity-tracker.js';
import { planCalls } from './call-activities.js';
import type { InstanceSaver } from './instance-saver.js';
import type { RunDeps, RunOutcome } from './run-types.js';
import { childrenInFinalSave } from './start-children.js';

/** A run's end, before it is stored. */
export interface SettledRun {
  readonly instance: ProcessInstance;
  readonly sourceContext: SerializableContext;
  readonly tracker: ActivityTracker;
  readonly saver: InstanceSaver;
  readonly status: ProcessStatus;
  readonly errors: readonly string[];
  readonly variables: Record<string, unknown>;
  /** The engine state taken when the run was found only waiting. */
  readonly waitingState: unknown;
}

/**
 * The run's last transaction: plans the children its new call activities start, stores its state
 * with them (or cancels those no longer waited for) and releases the lease.
 */
export async function saveFinalState(deps: RunDeps, run: SettledRun): Promise<RunOutcome> {
  const { instance, tracker, variables } = run;
  let status = run.status;
  const errors = [...run.errors];
  let waiting = status === 'WAITING' ? tracker.waitingList(variables) : [];
  const newCalls = waiting.filter((task) => task.calledElement !== undefined && task.childInstanceId === undefined);
  const planned = await planCalls(deps.db, run.sourceContext, instance, newCalls, variables);
  if ('error' in planned) {
    status = 'ERROR';
    errors.push(planned.error);
    waiting = [];
  }
  const plans = 'plans' in planned ? planned.plans : [];
  const state = status === 'WAITING' ? run.waitingState : null;
  const change = {
    ...tracker.change(status, variables, state),
    waiting,
    errors,
    timerDueAt: status === 'WAITING' ? tracker.nextTimer() : null,
    completedAt: status === 'WAITING' ? null : deps.clock(),
  };
  const calls = childrenInFinalSave(deps, instance, plans, change);
  await run.saver.save(change, true, calls.prepare);
  const { children, treeFull } = calls.result();
  if (treeFull !== undefined) return { status: 'ERROR', variables, waiting: [], errors: [...errors, treeFull], children };
  return { status, variables, waiting, errors, children };
}
