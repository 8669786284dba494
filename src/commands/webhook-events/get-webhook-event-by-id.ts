import {
  GetWebhookEventByIdQuerySchema,
  GetWebhookEventByIdResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { notFound } from '../../errors.js';
import { listEventAttempts } from '../../store/webhook-event-attempts.js';
import { findWebhookEventById } from '../../store/webhook-events.js';
import { defineCommand } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';
import { toWebhookEventMessage } from './webhook-event-message.js';

/** One event with its decision trace and every attempt. */
export const getWebhookEventById = defineCommand({
  name: GetWebhookEventByIdQuerySchema.name,
  input: GetWebhookEventByIdQuerySchema,
  output: GetWebhookEventByIdResponseSchema,
  permission: 'events:read',
  successMessage: 'Webhook event retrieved successfully',
  runnableFromWebhook: false,
  description: 'One webhook event with its body, trace and attempts',
  async handle(input, ctx) {
    const event = isStoredId(input.id) ? await findWebhookEventById(ctx.db, Number(input.id)) : undefined;
    if (!event) throw notFound('Event not found', ['No webhook event found with the specified ID']);
    return { data: toWebhookEventMessage(event, await listEventAttempts(ctx.db, event.id)) };
  },
});
