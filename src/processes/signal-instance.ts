import type { ProcessInstance, WaitingTask } from '../domain/process-instance.js';
import { type AppError, failedPrecondition, invalidArgument } from '../errors.js';
import { runInstance } from './run-instance.js';
import type { RuntimeParts } from './runtime-parts.js';

/** Completes a waiting task (the only one when `taskId` is empty), with variables merged first. */
export async function signalInstance(
  parts: RuntimeParts,
  id: number,
  taskId: string,
  variables: Record<string, unknown>,
): Promise<ProcessInstance> {
  const { leases } = parts;
  const { instance, outcome } = await parts.queue.exclusive(id, async () => {
    const instance = await leases.claim(id);
    const chosen = signalTarget(instance, taskId);
    if ('refusal' in chosen) return leases.refuse(id, chosen.refusal);
    const definition = await leases.requireDefinition(instance.definitionId);
    // A receive task or message event takes its message; bpmn-engine ignores its element id.
    const signalId = chosen.task.messageId ?? chosen.task.id;
    await leases.keepTraceContext(id);
    return { instance, outcome: await runInstance(parts.runDeps, instance, definition, { kind: 'signal', signalId, variables }) };
  });
  await parts.advancer.followUp(instance, outcome);
  return leases.requireInstance(id);
}

/**
 * The waiting task a signal completes: the named one, else the only task that is neither a timer
 * nor a call activity; refused when the instance is not waiting, there is no such task, or the
 * task waits for its called instance.
 */
function signalTarget(instance: ProcessInstance, taskId: string): { task: WaitingTask } | { refusal: AppError } {
  if (instance.status !== 'WAITING') {
    return { refusal: failedPrecondition('Signal failed', [`Process instance is ${instance.status}, not WAITING`]) };
  }
  const candidates = instance.waiting.filter((task) =>
    taskId ? task.id === taskId : !task.type.includes('Timer') && task.calledElement === undefined,
  );
  const task = taskId ? candidates[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (!task) {
    const names = instance.waiting.map((waiting) => waiting.id).join(', ');
    return {
      refusal: invalidArgument('Signal failed', [
        taskId ? `Task "${taskId}" is not waiting (waiting: ${names})` : `Name the task to signal (waiting: ${names})`,
      ]),
    };
  }
  if (task.childInstanceId !== undefined) {
    return {
      refusal: failedPrecondition('Signal failed', [
        `Task "${task.id}" waits for its called process instance ${task.childInstanceId}`,
      ]),
    };
  }
  return { task };
}
