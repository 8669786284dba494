import {
  ReplayWebhookEventCommandSchema,
  ReplayWebhookEventResponseSchema,
  type ReplayWebhookEventCommand,
} from '../../../gen/bpm/webhooks/v1/webhook_event_service_pb.js';
import { replayableStatuses } from '../../domain/replayable-statuses.js';
import { failedPrecondition, invalidArgument, notFound } from '../../errors.js';
import { findWebhookEventById, requeueWebhookEvents, type WebhookEventFilter } from '../../store/webhook-events.js';
import { defineCommand, type CommandContext } from '../command.js';
import { isStoredId } from '../webhook-configs/stored-config.js';
import { parseEventFilter } from './event-filter.js';

const defaultLimit = 100;
const maxLimit = 1_000;

export interface ReplayOptions {
  /** DEFAULT_MAX_ATTEMPTS: the budget for an event whose config sets no `maxAttempts`. */
  readonly defaultMaxAttempts: number;
}

/**
 * Queues finished events again: one by id, or every event a filter selects (bulk). The workers run
 * them against the current configuration with a fresh budget of attempts; the trace notes who replayed.
 */
export const createReplayWebhookEvent = (options: ReplayOptions) =>
  defineCommand({
    name: ReplayWebhookEventCommandSchema.name,
    input: ReplayWebhookEventCommandSchema,
    output: ReplayWebhookEventResponseSchema,
    permission: 'events:write',
    successMessage: 'Webhook events queued for replay',
    runnableFromWebhook: false,
    description: 'Queues finished events again, one by id or every event a filter selects',
    async handle(input, ctx) {
      const { filter, limit } = input.id === undefined ? await bulkFilter(input) : await singleFilter(input.id, ctx);
      const ids = await requeueWebhookEvents(ctx.db, filter, {
        now: ctx.clock(),
        // A config's own maxAttempts takes precedence in the store.
        defaultMaxAttempts: options.defaultMaxAttempts,
        limit,
        note: { at: ctx.clock().toISOString(), by: ctx.actor.subject },
      });
      if (input.id !== undefined && ids.length === 0)
        throw failedPrecondition('Replay failed', ['The event is no longer replayable']);
      return { data: { replayedCount: ids.length, eventIds: ids.map(BigInt) } };
    },
  });

async function singleFilter(id: bigint, ctx: CommandContext): Promise<{ filter: WebhookEventFilter; limit: number }> {
  const event = isStoredId(id) ? await findWebhookEventById(ctx.db, Number(id)) : undefined;
  if (!event) throw notFound('Replay failed', ['No webhook event found with the specified ID']);
  if (event.status === 'rejected') throw failedPrecondition('Replay failed', ['A rejected event cannot be replayed']);
  if (!(replayableStatuses as readonly string[]).includes(event.status)) {
    throw failedPrecondition('Replay failed', [`The event is still ${event.status}`]);
  }
  return { filter: { ids: [event.id] }, limit: 1 };
}

async function bulkFilter(input: ReplayWebhookEventCommand): Promise<{ filter: WebhookEventFilter; limit: number }> {
  const { filter, problems } = parseEventFilter(input, replayableStatuses);
  const limit = input.limit ?? defaultLimit;
  if (limit < 1 || limit > maxLimit) problems.push(`Limit must be between 1 and ${maxLimit}`);
  if (Object.keys(filter).length === 0 && problems.length === 0) {
    problems.push(
      'Give an event id, or at least one filter: configId, key, source, status, receivedFrom, receivedTo, bodyContains',
    );
  }
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  return { filter, limit };
}
