import {
  CancelProcessInstanceCommandSchema,
  CancelProcessInstanceResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { invalidArgument } from '../../errors.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';
import { defineCommand } from '../command.js';
import { requireInstanceId } from './process-instance-id.js';
import { toProcessInstanceMessage } from './process-instance-message.js';

const maxReasonLength = 1_000;

/** Ends an unfinished instance as CANCELLED. */
export function createCancelProcessInstance(runtime: ProcessRuntime) {
  return defineCommand({
    name: CancelProcessInstanceCommandSchema.name,
    input: CancelProcessInstanceCommandSchema,
    output: CancelProcessInstanceResponseSchema,
    permission: 'processes:write',
    successMessage: 'Process instance cancelled successfully',
    runnableFromWebhook: true,
    description: 'Cancels a process instance that has not finished',
    async handle(input) {
      if (input.reason.length > maxReasonLength) {
        throw invalidArgument('Validation failed', [`Reason must be at most ${maxReasonLength} characters`]);
      }
      const id = requireInstanceId(input.instanceId, 'Cancellation failed');
      const instance = await runtime.cancel(id, input.reason.trim());
      return { data: toProcessInstanceMessage(instance, { withHistory: false }) };
    },
  });
}
