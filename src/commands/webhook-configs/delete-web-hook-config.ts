import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  DeleteWebHookConfigCommandSchema,
  DeleteWebHookConfigResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { notFound } from '../../errors.js';
import { deleteWebhookConfig } from '../../store/webhook-configs.js';
import { defineCommand } from '../command.js';
import { webhookConfigAudit } from './webhook-config-audit.js';
import { isStoredId } from './stored-config.js';

/** A hard delete: the key becomes free for a new configuration. */
export const deleteWebHookConfig = defineCommand({
  name: DeleteWebHookConfigCommandSchema.name,
  input: DeleteWebHookConfigCommandSchema,
  output: DeleteWebHookConfigResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook configuration deleted successfully',
  runnableFromWebhook: false,
  description: 'Deletes a webhook configuration for good; its key may be used again',
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  async handle(input, ctx) {
    const deleted = isStoredId(input.id) ? await deleteWebhookConfig(ctx.db, Number(input.id)) : undefined;
    if (!deleted) throw notFound('Deletion failed', ['Configuration not found']);
    return { data: { id: input.id, key: deleted.key, deletedAt: timestampFromDate(ctx.clock()) } };
  },
});
