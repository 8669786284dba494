import { isFinished, type ProcessInstance } from '../domain/process-instance.js';
import { failedPrecondition } from '../errors.js';
import { cancelCalledInstances } from '../store/process-calls.js';
import { saveProcessInstance } from '../store/process-instances.js';
import type { RuntimeParts } from './runtime-parts.js';

/**
 * Ends an instance that has not finished, as CANCELLED with the reason, with the instances its
 * call activities started; a called instance's parent takes the cancellation as its failure.
 */
export async function cancelInstance(parts: RuntimeParts, id: number, reason: string): Promise<ProcessInstance> {
  const { db, clock, leases } = parts;
  const cancelled = await parts.queue.exclusive(id, async () => {
    const instance = await leases.claim(id);
    if (isFinished(instance.status)) {
      return leases.refuse(id, failedPrecondition('Cancellation failed', [`Process instance is already ${instance.status}`]));
    }
    const change = {
      ...instance,
      status: 'CANCELLED' as const,
      variables: { ...instance.variables },
      engineState: null,
      waiting: [],
      errors: reason ? [reason] : [],
      timerDueAt: null,
      completedAt: clock(),
    };
    const now = clock();
    await db.transaction(async (tx) => {
      if (!(await saveProcessInstance(tx, id, change, { owner: parts.lease.owner, now, release: true }))) {
        throw new Error('Process instance lease was lost');
      }
      const called = instance.waiting.flatMap((task) => (task.childInstanceId === undefined ? [] : [task.childInstanceId]));
      await cancelCalledInstances(tx, called, now, `Parent instance ${id} was cancelled`);
    });
    return instance;
  });
  await parts.advancer.followUp(cancelled, { status: 'CANCELLED', children: [] });
  return leases.requireInstance(id);
}
