import {
  ResumeWebHookDeliveryCommandSchema,
  ResumeWebHookDeliveryResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { failedPrecondition } from '../../errors.js';
import { resumeWebhookDelivery } from '../../store/delivery-pause.js';
import { defineCommand } from '../command.js';
import { requireWebhookConfig } from './stored-config.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';
import { webhookConfigAudit } from './webhook-config-audit.js';

const failure = 'Resume failed';

/** Runs a paused configuration's events again: those that waited go first, in the order they were due. */
export const resumeWebHookDelivery = defineCommand({
  name: ResumeWebHookDeliveryCommandSchema.name,
  input: ResumeWebHookDeliveryCommandSchema,
  output: ResumeWebHookDeliveryResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook delivery resumed successfully',
  runnableFromWebhook: false,
  description: "Resumes a paused configuration's delivery; its waiting events run in the order they were due",
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  async handle(input, ctx) {
    const existing = await requireWebhookConfig(ctx.db, input.id, failure);
    const resumed = await resumeWebhookDelivery(ctx.db, existing.id);
    if (!resumed) throw failedPrecondition(failure, ['Delivery is not paused']);
    return { data: toWebHookConfigMessage(resumed) };
  },
});
