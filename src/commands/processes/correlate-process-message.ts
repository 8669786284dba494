import type { JsonObject } from '@bufbuild/protobuf';
import {
  CorrelateProcessMessageCommandSchema,
  CorrelateProcessMessageResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { invalidArgument, notFound } from '../../errors.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';
import { defineCommand } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';
import { toProcessInstanceMessage } from './process-instance-message.js';

/**
 * Delivers a message to the waiting instance its correlation key names (or starts one at a message
 * start event): what a correlating webhook does, for scripts, chains and operators.
 */
export function createCorrelateProcessMessage(runtime: ProcessRuntime) {
  return defineCommand({
    name: CorrelateProcessMessageCommandSchema.name,
    input: CorrelateProcessMessageCommandSchema,
    output: CorrelateProcessMessageResponseSchema,
    permission: 'processes:write',
    successMessage: 'Process message correlated successfully',
    runnableFromWebhook: true,
    description: 'Delivers a message to the process instance waiting for it under a correlation key',
    async handle(input) {
      const messageName = input.messageName.trim();
      const correlationKey = input.correlationKey.trim();
      const problems = [
        ...(messageName === '' ? ['Message name is required'] : []),
        ...(correlationKey === '' ? ['Correlation key is required'] : []),
      ];
      if (problems.length > 0) throw invalidArgument('Validation failed', problems);
      if (!isStoredId(input.processDefinitionId)) {
        throw notFound('Process definition not found', [`Process definition ${input.processDefinitionId} does not exist`]);
      }
      const instance = await runtime.correlate({
        definitionId: Number(input.processDefinitionId),
        messageName,
        correlationKey,
        variables: (input.variables ?? {}) as JsonObject,
      });
      return { data: toProcessInstanceMessage(instance, { withHistory: false }) };
    },
  });
}
