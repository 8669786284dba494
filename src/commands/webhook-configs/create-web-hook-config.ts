import {
  CreateWebHookConfigCommandSchema,
  CreateWebHookConfigResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { insertWebhookConfig } from '../../store/webhook-configs.js';
import { defineCommand } from '../command.js';
import { webhookConfigAudit } from './webhook-config-audit.js';
import { asConflict } from './stored-config.js';
import { draftFromCreate } from './webhook-config-draft.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';
import { validateWebhookConfig } from './validate-webhook-config.js';

export const createWebHookConfig = defineCommand({
  name: CreateWebHookConfigCommandSchema.name,
  input: CreateWebHookConfigCommandSchema,
  output: CreateWebHookConfigResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook configuration created successfully',
  runnableFromWebhook: false,
  description: 'Creates a webhook configuration',
  audit: { ...webhookConfigAudit, entityId: (_input, output) => output?.data?.id },
  async handle(input, ctx) {
    const authority = ctx.actor.permissions;
    const fields = await validateWebhookConfig(draftFromCreate(input), { ...ctx, authority });
    const config = await insertWebhookConfig(ctx.db, fields, ctx.clock(), [...authority]).catch(
      asConflict('Validation failed', fields),
    );
    return { data: toWebHookConfigMessage(config) };
  },
});
