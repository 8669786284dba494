import { create } from '@bufbuild/protobuf';
import { WebHookConfigSchema } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { findWebhookConfigById } from '../../store/webhook-configs.js';
import type { AuditTarget } from '../command.js';
import { messageToJson } from '../message-json.js';
import { isStoredId } from './stored-config.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';

/**
 * A configuration as the audit log records it: its API form, where verification secrets appear only
 * as `secretCount`. Commands spread this and add how they name the configuration.
 */
export const webhookConfigAudit = {
  entityType: 'webhook_config',
  async load(db, id) {
    // The id comes from the caller's input: only look up ids the store can hold, as the handlers do.
    if (!/^\d{1,19}$/.test(id) || !isStoredId(BigInt(id))) return undefined;
    const config = await findWebhookConfigById(db, Number(id));
    return config && messageToJson(WebHookConfigSchema, create(WebHookConfigSchema, toWebHookConfigMessage(config)));
  },
} satisfies Omit<AuditTarget, 'entityId'>;
