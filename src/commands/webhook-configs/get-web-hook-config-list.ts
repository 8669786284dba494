import {
  GetWebHookConfigListQuerySchema,
  GetWebHookConfigListResponseSchema,
  type GetWebHookConfigListQuery,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { executionTypeName } from '../../domain/execution-target.js';
import { executionTypeList } from '../../domain/proto-lists.js';
import { countWaitingEvents } from '../../store/delivery-pause.js';
import { findBackOffEnds } from '../../store/delivery-waits.js';
import { findLastAcceptedByConfig } from '../../store/last-accepted-by-config.js';
import { listWebhookConfigs } from '../../store/webhook-configs.js';
import { defineCommand } from '../command.js';
import { parsePage, type Page } from '../paging.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';

const maxSearchLength = 200;

/** One page of configurations, ordered by id, with the total that matches the filters; a paused one with its events waiting, a backed-off one with until when, one that expects webhooks with its last accepted one. */
export const getWebHookConfigList = defineCommand({
  name: GetWebHookConfigListQuerySchema.name,
  input: GetWebHookConfigListQuerySchema,
  output: GetWebHookConfigListResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Webhook configurations retrieved successfully',
  runnableFromWebhook: false,
  description: 'Lists webhook configurations, a page at a time, by text, state and execution type',
  async handle(input, ctx) {
    const page = validateQuery(input);
    const filter = {
      searchText: input.searchText.trim(),
      ...(input.isEnabled !== undefined && { isEnabled: input.isEnabled }),
      ...(input.executionType !== undefined && { executionType: input.executionType }),
    };
    const found = await listWebhookConfigs(ctx.db, filter, page);
    const paused = found.items.filter((config) => config.deliveryPausedAt).map((config) => config.id);
    const waiting = await countWaitingEvents(ctx.db, paused);
    const backOffs = await findBackOffEnds(
      ctx.db,
      found.items.map((config) => config.id),
    );
    const expecting = found.items.filter((config) => config.expectedEverySeconds != null).map((config) => config.id);
    const lastAccepted = new Map(
      (await findLastAcceptedByConfig(ctx.db, expecting)).map((row) => [row.configId, row.lastAcceptedAt]),
    );
    const now = ctx.clock();
    const { pageNumber, pageSize } = page;
    return {
      data: {
        items: found.items.map((config) =>
          toWebHookConfigMessage(config, {
            waitingEvents: config.deliveryPausedAt ? (waiting.get(config.id) ?? 0) : undefined,
            backOffUntil: backOffs.get(config.id),
            accepted: lastAccepted.has(config.id) ? { lastAt: lastAccepted.get(config.id) ?? null, now } : undefined,
          }),
        ),
        totalCount: found.totalCount,
        pageNumber,
        pageSize,
      },
    };
  },
});

function validateQuery(input: GetWebHookConfigListQuery): Page {
  const { page, problems: pageProblems } = parsePage(input);
  const problems = [
    ...pageProblems,
    ...(input.searchText.length > maxSearchLength ? [`Search text must be at most ${maxSearchLength} characters`] : []),
    ...(input.executionType !== undefined && !executionTypeName(input.executionType)
      ? [`Execution type must be between 0 and ${executionTypeList.length - 1}`]
      : []),
  ];
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  return page;
}
