import {
  GetProcessInstanceByIdQuerySchema,
  GetProcessInstanceByIdResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { notFound } from '../../errors.js';
import { findProcessInstanceById } from '../../store/process-instances.js';
import { defineCommand } from '../command.js';
import { requireInstanceId } from './process-instance-id.js';
import { toProcessInstanceMessage } from './process-instance-message.js';

/** One instance with its variables, waiting tasks and history. */
export const getProcessInstanceById = defineCommand({
  name: GetProcessInstanceByIdQuerySchema.name,
  input: GetProcessInstanceByIdQuerySchema,
  output: GetProcessInstanceByIdResponseSchema,
  permission: 'processes:read',
  successMessage: 'Process instance retrieved successfully',
  runnableFromWebhook: false,
  description: 'One process instance with its variables, waiting tasks and history',
  async handle(input, ctx) {
    const instance = await findProcessInstanceById(ctx.db, requireInstanceId(input.id, 'Process instance not found'));
    if (!instance) throw notFound('Process instance not found', ['No process instance found with the specified ID']);
    return { data: toProcessInstanceMessage(instance, { withHistory: true }) };
  },
});
