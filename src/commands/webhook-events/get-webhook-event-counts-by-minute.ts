import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  GetWebhookEventCountsByMinuteQuerySchema,
  GetWebhookEventCountsByMinuteResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { countEventsByMinute } from '../../store/event-counts-by-minute.js';
import { defineCommand } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';

const hourMs = 60 * 60 * 1_000;
/** The longest window: 1,440 buckets at most, so one answer stays small whatever is asked. */
const maxWindowMs = 24 * hourMs;

/**
 * Events per minute of arrival by status, for the console's overview chart. Counts only, no event
 * content: readable with webhooks:read, like the configurations they belong to.
 */
export const getWebhookEventCountsByMinute = defineCommand({
  name: GetWebhookEventCountsByMinuteQuerySchema.name,
  input: GetWebhookEventCountsByMinuteQuerySchema,
  output: GetWebhookEventCountsByMinuteResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Webhook event counts retrieved successfully',
  runnableFromWebhook: false,
  description: 'Counts events accepted, succeeded, failed and dead per minute',
  async handle(input, ctx) {
    const now = ctx.clock();
    const since = input.since ? timestampDate(input.since) : new Date(now.getTime() - hourMs);
    const problems: string[] = [];
    if (since >= now) problems.push('since must be in the past');
    if (now.getTime() - since.getTime() > maxWindowMs) problems.push('since must be at most 24 hours ago');
    if (input.configId !== undefined && !isStoredId(input.configId)) problems.push('Config id must be a positive number');
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    const buckets = await countEventsByMinute(ctx.db, {
      since,
      until: now,
      ...(input.configId !== undefined && { configId: Number(input.configId) }),
    });
    return { data: { buckets: buckets.map((bucket) => ({ ...bucket, minute: timestampFromDate(bucket.minute) })) } };
  },
});
