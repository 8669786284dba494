import {
  GetWebHookConfigByIdQuerySchema,
  GetWebHookConfigByIdResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { notFound } from '../../errors.js';
import { countWaitingEvents } from '../../store/delivery-pause.js';
import { findBackOffEnds } from '../../store/delivery-waits.js';
import { findRefusedRequests } from '../../store/refused-requests.js';
import { findLastAcceptedByConfig } from '../../store/last-accepted-by-config.js';
import { findWebhookConfigById } from '../../store/webhook-configs.js';
import { defineCommand } from '../command.js';
import { isStoredId } from './stored-config.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';

/** One configuration, with the counts of the requests refused for it (and, paused, of its events waiting; backed off, until when; expecting webhooks, its last accepted one). */
export const getWebHookConfigById = defineCommand({
  name: GetWebHookConfigByIdQuerySchema.name,
  input: GetWebHookConfigByIdQuerySchema,
  output: GetWebHookConfigByIdResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Webhook configuration retrieved successfully',
  runnableFromWebhook: false,
  description: 'One webhook configuration by id',
  async handle(input, ctx) {
    const config = isStoredId(input.id) ? await findWebhookConfigById(ctx.db, Number(input.id)) : undefined;
    if (!config) throw notFound('Configuration not found', ['No webhook configuration found with the specified ID']);
    const refused = await findRefusedRequests(ctx.db, config.id);
    const waitingEvents = config.deliveryPausedAt
      ? ((await countWaitingEvents(ctx.db, [config.id])).get(config.id) ?? 0)
      : undefined;
    const backOffUntil = (await findBackOffEnds(ctx.db, [config.id])).get(config.id);
    const [lastAccepted] = config.expectedEverySeconds != null ? await findLastAcceptedByConfig(ctx.db, [config.id]) : [];
    const accepted = lastAccepted && { lastAt: lastAccepted.lastAcceptedAt, now: ctx.clock() };
    return { data: toWebHookConfigMessage(config, { refused, waitingEvents, backOffUntil, accepted }) };
  },
});
