import {
  SendTestWebhookCommandSchema,
  SendTestWebhookResponseSchema,
} from '../../../gen/bpm/webhooks/v1/test_webhook_service_pb.js';
import { failedPrecondition } from '../../errors.js';
import { signRequest } from '../../router/verification/signers.js';
import { verificationOf } from '../../sources/config-source.js';
import { readDatabaseNow } from '../../store/webhook-secrets.js';
import { defineCommand } from '../command.js';
import type { SendToSelf } from './send-to-self.js';
import { requireWebhookConfig } from './stored-config.js';

const failure = 'Test webhook failed';

/**
 * The console's test sender: signs a body as the configuration's source or scheme signs it, with its
 * first secret, where the secret is, and sends it to the configuration's own URL from this process
 * (see SendTestWebhookCommand in proto). `send` is absent in a process that serves no webhooks.
 */
export const createSendTestWebhook = (send: SendToSelf | undefined) =>
  defineCommand({
    name: SendTestWebhookCommandSchema.name,
    input: SendTestWebhookCommandSchema,
    output: SendTestWebhookResponseSchema,
    permission: 'webhooks:write',
    successMessage: 'Test webhook sent',
    runnableFromWebhook: false,
    description: "Sends a webhook signed with the configuration's source or scheme to its own URL and answers what it answered",
    async handle(input, ctx) {
      const config = await requireWebhookConfig(ctx.db, input.configId, failure);
      if (!send) throw failedPrecondition(failure, ['This process serves no webhooks: send the test to the service']);
      const withBody = config.action !== 'GET' && config.action !== 'DELETE';
      const body = withBody ? Buffer.from(input.body, 'utf8') : undefined;
      // It signs with the first (current) secret; the database clock only decides which old ones a rotation still keeps.
      const verification = verificationOf(config, await readDatabaseNow(ctx.db));
      const signed = verification ? signRequest(verification, body ?? Buffer.alloc(0), ctx.clock()) : {};
      if (!signed) {
        throw failedPrecondition(failure, [
          `The configuration's verification (${verification!.scheme || 'an unknown source'}) cannot be signed: no secret, or a scheme this service does not know`,
        ]);
      }
      const contentType = input.contentType.trim() || 'application/json';
      const answer = await send({
        method: config.action,
        path: config.path,
        headers: { ...signed, ...(withBody && { 'content-type': contentType }) },
        body,
      });
      return {
        data: {
          ...answer,
          signedHeaders: Object.keys(signed),
          method: config.action,
          path: `/api/webhook/${config.path.replace(/^\/+/, '')}`,
        },
      };
    },
  });
