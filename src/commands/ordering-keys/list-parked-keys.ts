import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ListParkedKeysQuerySchema,
  ListParkedKeysResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { invalidArgument } from '../../errors.js';
import { listParkedKeys } from '../../store/ordering-keys.js';
import { defineCommand } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';

/** The ordering keys a dead event parked, with how many events wait behind each. */
export const listParkedKeysQuery = defineCommand({
  name: ListParkedKeysQuerySchema.name,
  input: ListParkedKeysQuerySchema,
  output: ListParkedKeysResponseSchema,
  permission: 'events:read',
  successMessage: 'Parked ordering keys retrieved successfully',
  runnableFromWebhook: false,
  description: 'Lists the ordering keys parked by a dead event, with the events waiting behind each',
  async handle(input, ctx) {
    if (input.configId !== undefined && !isStoredId(input.configId)) {
      throw invalidArgument('Validation failed', ['Config id must be a positive integer']);
    }
    const keys = await listParkedKeys(ctx.db, input.configId === undefined ? undefined : Number(input.configId));
    return {
      data: {
        items: keys.map((key) => ({
          configId: BigInt(key.configId),
          configKey: key.configKey,
          orderingKey: key.orderingKey,
          deadEventId: BigInt(key.deadEventId),
          waitingEvents: BigInt(key.waitingEvents),
          ...(key.parkedAt && { parkedAt: timestampFromDate(key.parkedAt) }),
        })),
      },
    };
  },
});
