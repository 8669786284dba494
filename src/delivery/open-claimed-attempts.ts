import type { Knex } from 'knex';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { WebhookEvent } from '../domain/webhook-event.js';
import { openEventAttempts } from '../store/webhook-event-attempts.js';
import { findWebhookConfigsByIdsOrKeys } from '../store/webhook-configs.js';
import type { OpenedAttempt } from './run-attempt.js';

/**
 * Opens the attempts of a claimed batch in two statements, whatever its size: loads the current
 * configuration of each event, then notes every attempt's start (and any earlier one cut off). A
 * provider's event stored without a configuration (replayed since) runs with its reserved key's,
 * when that one is enabled. One opened attempt per event, in order.
 */
export async function openClaimedAttempts(
  deps: { readonly db: Knex; readonly clock: () => Date; readonly workerId: string },
  events: readonly WebhookEvent[],
): Promise<OpenedAttempt[]> {
  const ids = [...new Set(events.flatMap((event) => (event.configId === null ? [] : [event.configId])))];
  const keys = [...new Set(events.filter(runsByReservedKey).map((event) => event.configKey.toLowerCase()))];
  const configs = await findWebhookConfigsByIdsOrKeys(deps.db, ids, keys);
  const byId = new Map(configs.map((config) => [config.id, config]));
  const enabledByKey = new Map(configs.filter((config) => config.isEnabled).map((config) => [config.key.toLowerCase(), config]));
  const configOf = (event: WebhookEvent): WebhookConfig | undefined =>
    event.configId !== null
      ? byId.get(event.configId)
      : runsByReservedKey(event)
        ? enabledByKey.get(event.configKey.toLowerCase())
        : undefined;
  const eventConfigs = events.map(configOf);
  const attemptIds = await openEventAttempts(
    deps.db,
    events.map((event, index) => ({
      eventId: event.id,
      attempt: event.attempts,
      configVersion: eventConfigs[index]?.version ?? null,
    })),
    { worker: deps.workerId, startedAt: deps.clock() },
  );
  return events.map((_, index) => ({ config: eventConfigs[index], attemptId: attemptIds[index]! }));
}

/** Only the fixed endpoints' events find their configuration by key; the router's always name one by id. */
function runsByReservedKey(event: WebhookEvent): boolean {
  return event.configId === null && event.source !== 'router';
}
