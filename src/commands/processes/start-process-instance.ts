import type { JsonObject } from '@bufbuild/protobuf';
import {
  StartProcessInstanceCommandSchema,
  StartProcessInstanceResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { invalidArgument, notFound } from '../../errors.js';
import type { ExecutionMode, ProcessRuntime } from '../../processes/process-runtime.js';
import { defineCommand } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';

const modes: readonly ExecutionMode[] = ['Supervised', 'FireAndForget'];

/** Starts an instance: Supervised answers where it stopped; FireAndForget answers once it is stored. */
export function createStartProcessInstance(runtime: ProcessRuntime) {
  return defineCommand({
    name: StartProcessInstanceCommandSchema.name,
    input: StartProcessInstanceCommandSchema,
    output: StartProcessInstanceResponseSchema,
    permission: 'processes:write',
    successMessage: 'Process instance started successfully',
    runnableFromWebhook: true,
    description: 'Starts an instance of a process definition (Supervised or FireAndForget)',
    async handle(input, _ctx) {
      const mode = (input.executionMode.trim() || 'Supervised') as ExecutionMode;
      if (!modes.includes(mode))
        throw invalidArgument('Validation failed', ['Execution mode must be "Supervised" or "FireAndForget"']);
      if (!isStoredId(input.processDefinitionId)) {
        throw notFound('Process definition not found', [`Process definition ${input.processDefinitionId} does not exist`]);
      }
      const instance = await runtime.start(Number(input.processDefinitionId), (input.variables ?? {}) as JsonObject, mode);
      const current = instance.waiting[0];
      return {
        data: {
          instanceId: BigInt(instance.id),
          status: instance.status,
          variables: instance.variables as JsonObject,
          currentTaskId: current?.id ?? '',
          currentTaskName: current?.name ?? '',
          jobId: mode === 'FireAndForget' ? `process-instance-${instance.id}` : '',
          errors: [...instance.errors],
        },
      };
    },
  });
}
