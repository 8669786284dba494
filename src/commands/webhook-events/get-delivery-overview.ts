import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  GetDeliveryOverviewQuerySchema,
  GetDeliveryOverviewResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { countEventsByConfig } from '../../store/event-counts-by-config.js';
import { countInboxBySource, findOldestDueEvent } from '../../store/inbox-depth.js';
import { defineCommand } from '../command.js';

const dayMs = 24 * 60 * 60 * 1_000;
/** The longest window: a week of the log, so one answer reads a bounded part of it. */
const maxWindowMs = 7 * dayMs;

/**
 * The console's overview in one call: the inbox's backlog (from the queue rows, as /metrics reads
 * it) and every configuration's events of the window by status. Counts only, no event content:
 * readable with webhooks:read.
 */
export const getDeliveryOverview = defineCommand({
  name: GetDeliveryOverviewQuerySchema.name,
  input: GetDeliveryOverviewQuerySchema,
  output: GetDeliveryOverviewResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Delivery overview retrieved successfully',
  runnableFromWebhook: false,
  description: "Counts the inbox's backlog and each configuration's events by status, for the console's overview",
  async handle(input, ctx) {
    const now = ctx.clock();
    const since = input.since ? timestampDate(input.since) : new Date(now.getTime() - dayMs);
    const problems: string[] = [];
    if (since >= now) problems.push('since must be in the past');
    if (now.getTime() - since.getTime() > maxWindowMs) problems.push('since must be at most 7 days ago');
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    const [sources, oldestDueEventId, configs] = await Promise.all([
      countInboxBySource(ctx.db, now),
      findOldestDueEvent(ctx.db, now),
      countEventsByConfig(ctx.db, since),
    ]);
    return {
      data: {
        since: timestampFromDate(since),
        queued: BigInt(sources.reduce((sum, source) => sum + source.queued, 0)),
        processing: BigInt(sources.reduce((sum, source) => sum + source.processing, 0)),
        oldestDueAgeSeconds: Math.max(0, ...sources.map((source) => source.oldestDueAgeSeconds)),
        ...(oldestDueEventId !== undefined && { oldestDueEventId: BigInt(oldestDueEventId) }),
        configs: configs.map((config) => ({ ...config, configId: BigInt(config.configId) })),
      },
    };
  },
});
