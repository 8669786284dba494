import {
  GetWebHookConfigListQuerySchema,
  GetWebHookConfigListResponseSchema,
  type GetWebHookConfigListQuery,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { listWebhookConfigs } from '../../store/webhook-configs.js';
import { defineCommand } from '../command.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';

const maxPageSize = 100;
const maxSearchLength = 200;

/** One page of configurations, ordered by id, with the total that matches the filters. */
export const getWebHookConfigList = defineCommand({
  name: GetWebHookConfigListQuerySchema.name,
  input: GetWebHookConfigListQuerySchema,
  output: GetWebHookConfigListResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Webhook configurations retrieved successfully',
  runnableFromWebhook: false,
  async handle(input, ctx) {
    const { pageNumber, pageSize } = validatePage(input);
    const filter = {
      searchText: input.searchText.trim(),
      ...(input.isEnabled !== undefined && { isEnabled: input.isEnabled }),
      ...(input.executionType !== undefined && { executionType: input.executionType }),
    };
    const page = await listWebhookConfigs(ctx.db, filter, { offset: (pageNumber - 1) * pageSize, limit: pageSize });
    return {
      data: { items: page.items.map(toWebHookConfigMessage), totalCount: page.totalCount, pageNumber, pageSize },
    };
  },
});

function validatePage(input: GetWebHookConfigListQuery): { pageNumber: number; pageSize: number } {
  const pageNumber = input.pageNumber ?? 1;
  const pageSize = input.pageSize ?? 10;
  const problems = [
    ...(pageNumber < 1 ? ['Page number must be at least 1'] : []),
    ...(pageSize < 1 || pageSize > maxPageSize ? [`Page size must be between 1 and ${maxPageSize}`] : []),
    ...(input.searchText.length > maxSearchLength
      ? [`Search text must be at most ${maxSearchLength} characters`]
      : []),
    ...(input.executionType !== undefined && (input.executionType < 0 || input.executionType > 3)
      ? ['Execution type must be between 0 and 3']
      : []),
  ];
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  return { pageNumber, pageSize };
}
