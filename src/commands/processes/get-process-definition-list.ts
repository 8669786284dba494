import {
  GetProcessDefinitionListQuerySchema,
  GetProcessDefinitionListResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { listProcessDefinitions } from '../../store/process-definitions.js';
import { defineCommand } from '../command.js';
import { parsePage } from '../paging.js';
import { toProcessDefinitionMessage } from './process-definition-message.js';

const maxSearchLength = 200;

/** A page of definitions, newest first, without their documents. */
export const getProcessDefinitionList = defineCommand({
  name: GetProcessDefinitionListQuerySchema.name,
  input: GetProcessDefinitionListQuerySchema,
  output: GetProcessDefinitionListResponseSchema,
  permission: 'processes:read',
  successMessage: 'Process definitions retrieved successfully',
  runnableFromWebhook: false,
  description: 'A page of process definitions, newest first; search by name, process id or description',
  async handle(input, ctx) {
    const { page, problems } = parsePage(input);
    if (input.searchText.length > maxSearchLength || input.name.length > maxSearchLength) {
      problems.push(`Search text and name must be at most ${maxSearchLength} characters`);
    }
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    const filter = { searchText: input.searchText.trim(), name: input.name.trim() };
    const found = await listProcessDefinitions(ctx.db, filter, page);
    const items = found.items.map((definition) => toProcessDefinitionMessage(definition, { withXml: false }));
    return { data: { items, totalCount: found.totalCount, pageNumber: page.pageNumber, pageSize: page.pageSize } };
  },
});
