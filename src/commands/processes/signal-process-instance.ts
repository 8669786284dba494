import type { JsonObject } from '@bufbuild/protobuf';
import {
  SignalProcessInstanceCommandSchema,
  SignalProcessInstanceResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';
import { defineCommand } from '../command.js';
import { requireInstanceId } from './process-instance-id.js';
import { toProcessInstanceMessage } from './process-instance-message.js';

/** Completes a waiting task and runs the instance on to its next wait point or its end. */
export function createSignalProcessInstance(runtime: ProcessRuntime) {
  return defineCommand({
    name: SignalProcessInstanceCommandSchema.name,
    input: SignalProcessInstanceCommandSchema,
    output: SignalProcessInstanceResponseSchema,
    permission: 'processes:write',
    successMessage: 'Process instance signalled successfully',
    runnableFromWebhook: true,
    description: 'Completes a waiting user or receive task of a process instance',
    async handle(input) {
      const id = requireInstanceId(input.instanceId, 'Signal failed');
      const instance = await runtime.signal(id, input.taskId.trim(), (input.variables ?? {}) as JsonObject);
      return { data: toProcessInstanceMessage(instance, { withHistory: false }) };
    },
  });
}
