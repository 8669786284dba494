import type { JsonObject, MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ProcessInstanceSchema } from '../../../gen/bpm/webhooks/v1/process_instance_pb.js';
import type { ProcessInstance } from '../../domain/process-instance.js';

/** An instance as the API shows it; its history only when asked for by id. */
export function toProcessInstanceMessage(
  instance: ProcessInstance,
  options: { withHistory: boolean },
): MessageInitShape<typeof ProcessInstanceSchema> {
  const current = instance.waiting[0];
  return {
    id: BigInt(instance.id),
    processDefinitionId: BigInt(instance.definitionId),
    status: instance.status,
    variables: instance.variables as JsonObject,
    waitingTasks: instance.waiting.map((task) => ({
      id: task.id,
      name: task.name,
      type: task.type,
      messageName: task.messageName ?? '',
      correlationKey: task.correlationKey ?? '',
      ...(task.childInstanceId !== undefined && { childInstanceId: BigInt(task.childInstanceId) }),
    })),
    currentTaskId: current?.id ?? '',
    currentTaskName: current?.name ?? '',
    history: options.withHistory
      ? instance.history.map((entry) => ({
          id: entry.id,
          name: entry.name,
          type: entry.type,
          startedAt: timestampFromDate(new Date(entry.startedAt)),
          ...(entry.endedAt && { endedAt: timestampFromDate(new Date(entry.endedAt)) }),
          outcome: entry.outcome,
        }))
      : [],
    errors: [...instance.errors],
    startedAt: timestampFromDate(instance.startedAt),
    updatedAt: timestampFromDate(instance.updatedAt),
    ...(instance.completedAt && { completedAt: timestampFromDate(instance.completedAt) }),
    ...(instance.timerDueAt && { timerDueAt: timestampFromDate(instance.timerDueAt) }),
    ...(instance.parentInstanceId !== null && { parentInstanceId: BigInt(instance.parentInstanceId) }),
  };
}
