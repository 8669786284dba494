import {
  ActivateWebHookConfigCommandSchema,
  ActivateWebHookConfigResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { defineCommand } from '../command.js';
import { webhookConfigAudit } from './webhook-config-audit.js';
import { setEnabled } from './set-enabled.js';

export const activateWebHookConfig = defineCommand({
  name: ActivateWebHookConfigCommandSchema.name,
  input: ActivateWebHookConfigCommandSchema,
  output: ActivateWebHookConfigResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook configuration activated successfully',
  runnableFromWebhook: false,
  description: 'Enables a webhook configuration',
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  handle: (input, ctx) => setEnabled(input.id, true, ctx),
});
