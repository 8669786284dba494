import {
  GetWebhookEventListQuerySchema,
  GetWebhookEventListResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { listWebhookEvents } from '../../store/webhook-events.js';
import { defineCommand } from '../command.js';
import { parseEventFilter } from './event-filter.js';
import { toWebhookEventMessage } from './webhook-event-message.js';

const maxPageSize = 100;

/** One page of events, newest first, with the total that matches the filters. */
export const getWebhookEventList = defineCommand({
  name: GetWebhookEventListQuerySchema.name,
  input: GetWebhookEventListQuerySchema,
  output: GetWebhookEventListResponseSchema,
  permission: 'events:read',
  successMessage: 'Webhook events retrieved successfully',
  runnableFromWebhook: false,
  async handle(input, ctx) {
    const pageNumber = input.pageNumber ?? 1;
    const pageSize = input.pageSize ?? 10;
    const { filter, problems } = parseEventFilter(input);
    if (pageNumber < 1) problems.push('Page number must be at least 1');
    if (pageSize < 1 || pageSize > maxPageSize) problems.push(`Page size must be between 1 and ${maxPageSize}`);
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    const page = await listWebhookEvents(ctx.db, filter, { offset: (pageNumber - 1) * pageSize, limit: pageSize });
    return {
      data: { items: page.items.map((event) => toWebhookEventMessage(event)), totalCount: page.totalCount, pageNumber, pageSize },
    };
  },
});
