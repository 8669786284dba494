import {
  PauseWebHookDeliveryCommandSchema,
  PauseWebHookDeliveryResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { failedPrecondition } from '../../errors.js';
import { countWaitingEvents, pauseWebhookDelivery } from '../../store/delivery-pause.js';
import { defineCommand } from '../command.js';
import { requireWebhookConfig } from './stored-config.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';
import { webhookConfigAudit } from './webhook-config-audit.js';

const failure = 'Pause failed';

/**
 * Stops running a configuration's events: they are still accepted (202, sync ones too) and stored,
 * and wait until ResumeWebHookDeliveryCommand. Running attempts finish; their retries wait too.
 */
export const pauseWebHookDelivery = defineCommand({
  name: PauseWebHookDeliveryCommandSchema.name,
  input: PauseWebHookDeliveryCommandSchema,
  output: PauseWebHookDeliveryResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook delivery paused successfully',
  runnableFromWebhook: false,
  description: "Pauses a configuration's delivery: webhooks are accepted and stored, none runs until resumed",
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  async handle(input, ctx) {
    const existing = await requireWebhookConfig(ctx.db, input.id, failure);
    const paused = await pauseWebhookDelivery(ctx.db, existing.id, ctx.clock());
    if (!paused) throw failedPrecondition(failure, ['Delivery is already paused']);
    const waiting = (await countWaitingEvents(ctx.db, [paused.id])).get(paused.id) ?? 0;
    return { data: toWebHookConfigMessage(paused, { waitingEvents: waiting }) };
  },
});
