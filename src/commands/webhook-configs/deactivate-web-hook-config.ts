import {
  DeactivateWebHookConfigCommandSchema,
  DeactivateWebHookConfigResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { defineCommand } from '../command.js';
import { webhookConfigAudit } from './webhook-config-audit.js';
import { setEnabled } from './set-enabled.js';

export const deactivateWebHookConfig = defineCommand({
  name: DeactivateWebHookConfigCommandSchema.name,
  input: DeactivateWebHookConfigCommandSchema,
  output: DeactivateWebHookConfigResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook configuration deactivated successfully',
  runnableFromWebhook: false,
  description: 'Disables a webhook configuration',
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  handle: (input, ctx) => setEnabled(input.id, false, ctx),
});
