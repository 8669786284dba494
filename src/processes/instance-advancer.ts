import type { Logger } from 'pino';
import type { ProcessDefinition } from '../domain/process-definition.js';
import { isFinished, type ProcessInstance } from '../domain/process-instance.js';
import type { Db } from '../store/open-database.js';
import { findProcessDefinitionById } from '../store/process-definitions.js';
import { findProcessInstanceById } from '../store/process-instances.js';
import type { AdvanceEnd } from '../tracing/process-advance-span.js';
import type { InstanceLeases } from './instance-leases.js';
import type { InstanceQueue } from './instance-queue.js';
import { runInstance } from './run-instance.js';
import type { Advance, RunDeps, RunOutcome } from './run-types.js';

/** Runs instances and what their runs call for next: the children they started, the parents waiting for them. */
export interface InstanceAdvancer {
  /** Runs a leased instance and what follows it; resolves to why it ran and how it ended (undefined when it failed, logged). */
  advance(instance: ProcessInstance, definition: ProcessDefinition, step: Advance): Promise<AdvanceEnd>;
  /** After a run: runs the children it started, and hands a finished child back to its parent. */
  followUp(instance: ProcessInstance, outcome: Pick<RunOutcome, 'status' | 'children'>): Promise<void>;
}

export interface InstanceAdvancerDeps {
  readonly db: Db;
  readonly log: Logger;
  readonly runDeps: RunDeps;
  readonly queue: InstanceQueue;
  readonly leases: InstanceLeases;
}

export function createInstanceAdvancer({ db, log, runDeps, queue, leases }: InstanceAdvancerDeps): InstanceAdvancer {
  const logFailure = (instanceId: number) => (error: unknown) => {
    log.error({ err: error, instanceId }, 'process instance run failed');
  };

  /**
   * A resumed waiting instance whose called child finished (its hand-back was lost with the process
   * that ran the child) takes that child back instead.
   */
  const returningCall = async (instance: ProcessInstance): Promise<Advance | undefined> => {
    if (instance.status !== 'WAITING') return undefined;
    for (const task of instance.waiting) {
      if (task.childInstanceId === undefined) continue;
      const child = await findProcessInstanceById(db, task.childInstanceId);
      if (child && isFinished(child.status)) return { kind: 'callReturned', activityId: task.id, child };
    }
    return undefined;
  };

  const advance: InstanceAdvancer['advance'] = (instance, definition, step) =>
    queue
      .exclusive(instance.id, async () => {
        const next = step.kind === 'resume' ? ((await returningCall(instance)) ?? step) : step;
        return { next, outcome: await runInstance(runDeps, instance, definition, next) };
      })
      .then(async ({ next, outcome }) => {
        await followUp(instance, outcome);
        return { reason: advanceReason(instance, next), status: outcome.status };
      })
      .catch((error: unknown) => {
        logFailure(instance.id)(error);
        return undefined;
      });

  const followUp: InstanceAdvancer['followUp'] = async (instance, outcome) => {
    await Promise.all(
      outcome.children.map(async (child) => {
        const definition = await findProcessDefinitionById(db, child.definitionId);
        if (definition) await advance(child, definition, { kind: 'start' });
      }),
    );
    if (outcome.status !== 'WAITING' && instance.parentInstanceId !== null) await returnToParent(instance.parentInstanceId);
  };

  /**
   * Hands a finished child back to its waiting parent. A parent another process is advancing is left
   * to the poller, which finds it once that process lets it go.
   */
  const returnToParent = (parentId: number): Promise<void> =>
    queue
      .exclusive(parentId, async () => {
        const parent = await leases.tryClaim(parentId);
        if (!parent) return undefined;
        const step = await returningCall(parent);
        const definition = step && (await findProcessDefinitionById(db, parent.definitionId));
        if (!step || !definition) {
          await leases.release(parentId);
          return undefined;
        }
        return { parent, outcome: await runInstance(runDeps, parent, definition, step) };
      })
      .then((result) => result && followUp(result.parent, result.outcome))
      .catch(logFailure(parentId));

  return { advance, followUp };
}

/** Why an advance ran, for its span: a due timer, a called instance handed back, a run taken over, or a start. */
function advanceReason(instance: ProcessInstance, step: Advance): string {
  if (step.kind === 'callReturned') return 'call_returned';
  if (step.kind !== 'resume') return step.kind;
  return instance.status === 'RUNNING' ? 'recovered' : 'timer';
}
