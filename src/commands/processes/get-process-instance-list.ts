import { timestampDate } from '@bufbuild/protobuf/wkt';
import {
  GetProcessInstanceListQuerySchema,
  GetProcessInstanceListResponseSchema,
} from '../../../gen/bpm/webhooks/v1/process_service_pb.js';
import { processStatuses } from '../../domain/process-instance.js';
import { invalidArgument } from '../../errors.js';
import { listProcessInstances } from '../../store/process-instances.js';
import { defineCommand } from '../command.js';
import { parsePage } from '../paging.js';
import { toProcessInstanceMessage } from './process-instance-message.js';

/** A page of instances, newest first; filter by definition, status and start time. */
export const getProcessInstanceList = defineCommand({
  name: GetProcessInstanceListQuerySchema.name,
  input: GetProcessInstanceListQuerySchema,
  output: GetProcessInstanceListResponseSchema,
  permission: 'processes:read',
  successMessage: 'Process instances retrieved successfully',
  runnableFromWebhook: false,
  description: 'A page of process instances, newest first; filter by definition, status and start time',
  async handle(input, ctx) {
    const { page, problems } = parsePage(input);
    const status = input.status.trim().toUpperCase();
    if (status && !(processStatuses as readonly string[]).includes(status)) {
      problems.push(`Status must be one of ${processStatuses.join(', ')}`);
    }
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    const filter = {
      ...(input.processDefinitionId !== undefined && { definitionId: Number(input.processDefinitionId) }),
      ...(status && { status }),
      ...(input.startedFrom && { startedFrom: timestampDate(input.startedFrom) }),
      ...(input.startedTo && { startedTo: timestampDate(input.startedTo) }),
    };
    const found = await listProcessInstances(ctx.db, filter, page);
    const items = found.items.map((instance) => toProcessInstanceMessage(instance, { withHistory: false }));
    return { data: { items, totalCount: found.totalCount, pageNumber: page.pageNumber, pageSize: page.pageSize } };
  },
});
