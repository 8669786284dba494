import {
  ReleaseOrderingKeyCommandSchema,
  ReleaseOrderingKeyResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import { listParkedKeys, releaseParkedKey, storedOrderingKey } from '../../store/ordering-keys.js';
import { defineCommand } from '../command.js';
import { isStoredId, requireWebhookConfig } from '../webhook-configs/stored-config.js';
import type { ReplayOptions } from '../webhook-events/replay-webhook-event.js';

const failure = 'Release failed';

/**
 * Lets a parked ordering key run on: its dead event runs again first (a fresh budget: the
 * configuration's maxAttempts, else DEFAULT_MAX_ATTEMPTS) and its successors after it; or, with
 * `skipDeadEvent`, the dead event stays dead and its successors run. Audited; the trace notes it.
 */
export const createReleaseOrderingKey = (options: ReplayOptions) =>
  defineCommand({
    name: ReleaseOrderingKeyCommandSchema.name,
    input: ReleaseOrderingKeyCommandSchema,
    output: ReleaseOrderingKeyResponseSchema,
    permission: 'events:write',
    successMessage: 'Ordering key released successfully',
    runnableFromWebhook: false,
    description: 'Releases an ordering key parked by a dead event: runs the dead event again, or skips it',
    audit: {
      entityType: 'ordering_key',
      entityId: (input) => `${input.configId}:${input.orderingKey}`,
      async load(db, id) {
        const separator = id.indexOf(':');
        const configId = Number(id.slice(0, separator));
        if (!Number.isSafeInteger(configId) || configId <= 0) return undefined;
        const key = id.slice(separator + 1);
        const parked = (await listParkedKeys(db, configId)).find((candidate) => candidate.orderingKey === key);
        return parked && { parked: true, deadEventId: parked.deadEventId, waitingEvents: parked.waitingEvents };
      },
    },
    async handle(input, ctx) {
      const problems = [
        ...(isStoredId(input.configId) ? [] : ['Config id must be a positive integer']),
        ...(input.orderingKey === '' ? ['Ordering key is required'] : []),
      ];
      if (problems.length > 0) throw invalidArgument('Validation failed', problems);
      const config = await requireWebhookConfig(ctx.db, input.configId, failure);
      const deadEventId = await releaseParkedKey(ctx.db, {
        scopedKey: storedOrderingKey(config.id, input.orderingKey),
        skip: input.skipDeadEvent,
        now: ctx.clock(),
        extraAttempts: config.maxAttempts ?? options.defaultMaxAttempts,
        note: { at: ctx.clock().toISOString(), by: ctx.actor.subject, skipped: input.skipDeadEvent },
      });
      if (deadEventId === undefined) throw failedPrecondition(failure, ['The ordering key is not parked']);
      return { data: { deadEventId: BigInt(deadEventId), outcome: input.skipDeadEvent ? 'skipped' : 'retried' } };
    },
  });
