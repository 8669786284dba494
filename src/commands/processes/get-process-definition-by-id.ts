import {
  GetProcessDefinitionByIdQuerySchema,
  GetProcessDefinitionByIdResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { notFound } from '../../errors.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import { defineCommand } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';
import { toProcessDefinitionMessage } from './process-definition-message.js';

/** One definition with its document. */
export const getProcessDefinitionById = defineCommand({
  name: GetProcessDefinitionByIdQuerySchema.name,
  input: GetProcessDefinitionByIdQuerySchema,
  output: GetProcessDefinitionByIdResponseSchema,
  permission: 'processes:read',
  successMessage: 'Process definition retrieved successfully',
  runnableFromWebhook: false,
  description: 'One process definition with its BPMN document',
  async handle(input, ctx) {
    const definition = isStoredId(input.id) ? await findProcessDefinitionById(ctx.db, Number(input.id)) : undefined;
    if (!definition) throw notFound('Process definition not found', ['No process definition found with the specified ID']);
    return { data: toProcessDefinitionMessage(definition, { withXml: true }) };
  },
});
