import {
  ActivateWebHookConfigCommandSchema,
  ActivateWebHookConfigResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { defineCommand } from '../command.js';
import { setEnabled } from './set-enabled.js';

export const activateWebHookConfig = defineCommand({
  name: ActivateWebHookConfigCommandSchema.name,
  input: ActivateWebHookConfigCommandSchema,
  output: ActivateWebHookConfigResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook configuration activated successfully',
  runnableFromWebhook: false,
  handle: (input, ctx) => setEnabled(input.id, true, ctx),
});
