import {
  LookupWebHookByKeyCommandSchema,
  LookupWebHookByKeyResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { WebHookConfigSchema } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { notFound } from '../../errors.js';
import { findWebhookConfigByKey, listAllWebhookConfigs } from '../../store/webhook-configs.js';
import { defineCommand } from '../command.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';

/** Finds a configuration by key (case-insensitively); an empty key lists them all. */
export const lookupWebHookByKey = defineCommand({
  name: LookupWebHookByKeyCommandSchema.name,
  input: LookupWebHookByKeyCommandSchema,
  output: LookupWebHookByKeyResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Webhook configuration found',
  runnableFromWebhook: false,
  description: 'Finds configurations by key, case-insensitively (an empty key lists all)',
  async handle(input, ctx) {
    const key = input.key.trim();
    if (key === '') return { data: (await listAllWebhookConfigs(ctx.db)).map((config) => toWebHookConfigMessage(config)) };
    const config = await findWebhookConfigByKey(ctx.db, key);
    if (!config) throw notFound('Lookup failed', ['No webhook configuration found with the specified key']);
    return { data: [toWebHookConfigMessage(config)] };
  },
  // The legacy API answers one configuration as an object, and the full list as an array.
  toEnvelopeData(output, input, toJson) {
    const items = output.data.map((config) => toJson(WebHookConfigSchema, config));
    return input.key.trim() === '' ? items : (items[0] ?? null);
  },
});
