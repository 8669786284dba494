import {
  UpdateWebHookConfigCommandSchema,
  UpdateWebHookConfigResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { notFound } from '../../errors.js';
import type { Verification } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { updateWebhookConfig } from '../../store/webhook-configs.js';
import { clearRetiringSecrets } from '../../store/webhook-secrets.js';
import { defineCommand } from '../command.js';
import { webhookConfigAudit } from './webhook-config-audit.js';
import { asConflict, requireWebhookConfig } from './stored-config.js';
import { draftFromUpdate } from './webhook-config-draft.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';
import { validateWebhookConfig } from './validate-webhook-config.js';

export const updateWebHookConfig = defineCommand({
  name: UpdateWebHookConfigCommandSchema.name,
  input: UpdateWebHookConfigCommandSchema,
  output: UpdateWebHookConfigResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook configuration updated successfully',
  runnableFromWebhook: false,
  description: 'Changes the fields given of a webhook configuration (never its key)',
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  async handle(input, ctx) {
    const existing = await requireWebhookConfig(ctx.db, input.id, 'Update failed');
    const authority = ctx.actor.permissions;
    const { key: _key, ...fields } = await validateWebhookConfig(draftFromUpdate(existing, input), {
      ...ctx,
      authority,
      exceptId: existing.id,
    });
    // New secrets, or no verification, replace every secret: a rotation's old ones too.
    if (input.verification && (fields.verification === null || givesSecrets(input.verification))) {
      await clearRetiringSecrets(ctx.db, existing.id);
    }
    // The configuration now runs with the permissions of the token that saved it last.
    const updated = await updateWebhookConfig(ctx.db, existing.id, fields, ctx.clock(), [...authority]).catch(
      asConflict('Update failed', fields),
    );
    if (!updated) throw notFound('Update failed', ['Configuration not found']);
    return { data: toWebHookConfigMessage(updated) };
  },
});

function givesSecrets(verification: Verification): boolean {
  return verification.secret !== '' || verification.secrets.some((secret) => secret !== '');
}
