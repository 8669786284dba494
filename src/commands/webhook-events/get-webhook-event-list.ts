import {
  GetWebhookEventListQuerySchema,
  GetWebhookEventListResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { listWebhookEvents } from '../../store/webhook-events.js';
import { defineCommand } from '../command.js';
import { parsePage } from '../paging.js';
import { parseEventFilter } from './event-filter.js';
import { parseSearchableFilter } from './searchable-filter.js';
import { toWebhookEventMessage } from './webhook-event-message.js';

/** One page of events, newest first, with the total that matches the filters. */
export const getWebhookEventList = defineCommand({
  name: GetWebhookEventListQuerySchema.name,
  input: GetWebhookEventListQuerySchema,
  output: GetWebhookEventListResponseSchema,
  permission: 'events:read',
  successMessage: 'Webhook events retrieved successfully',
  runnableFromWebhook: false,
  description: 'Lists webhook events, newest first, by configuration, source, status, time and fields',
  async handle(input, ctx) {
    const { filter, problems: filterProblems } = parseEventFilter(input);
    const { page, problems: pageProblems } = parsePage(input);
    const problems = [...filterProblems, ...pageProblems];
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    const fields = parseSearchableFilter(input);
    const found = await listWebhookEvents(ctx.db, { ...filter, ...(fields && { fields }) }, page);
    const { pageNumber, pageSize } = page;
    return {
      data: {
        items: found.items.map((event) => toWebhookEventMessage(event)),
        totalCount: found.totalCount,
        pageNumber,
        pageSize,
      },
    };
  },
});
