import type { Knex } from 'knex';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { WebhookEvent } from '../domain/webhook-event.js';
import { type ClaimedAttempt, claimOpenedAttempts } from '../store/claim-opened-attempts.js';
import type { LeaseClock } from '../store/event-leases.js';
import { findWebhookConfigsByIdsOrKeys } from '../store/webhook-configs.js';
import type { ConfigCache } from './config-cache.js';
import type { OpenedAttempt } from './run-attempt.js';

/** A claimed event, its attempt opened; its configuration may still be on its way (a cache miss). */
export interface ClaimedRun {
  readonly event: WebhookEvent;
  readonly opened: Promise<OpenedAttempt>;
}

export interface ClaimAttemptsDeps {
  readonly db: Knex;
  readonly clock: () => Date;
  readonly workerId: string;
  readonly leaseMs: number;
  /** Where configurations are found first: the statement names the version each attempt runs with. */
  readonly configs: Pick<ConfigCache, 'find'>;
}

/**
 * Claims up to `limit` due events and opens their attempts in one statement (claimOpenedAttempts),
 * then finds the configurations they run with in the cache, by id and version; only versions the
 * cache does not hold (changed by another process a moment ago) are loaded from the store, in one
 * query for the batch. One run per claimed event, in the order claimed.
 */
export async function claimAttempts(deps: ClaimAttemptsDeps, limit: number, sent?: LeaseClock): Promise<ClaimedRun[]> {
  const claimed = await claimOpenedAttempts(deps.db, {
    owner: deps.workerId,
    now: deps.clock(),
    leaseMs: deps.leaseMs,
    limit,
    ...(sent && { sent }),
  });
  if (claimed.length === 0) return [];
  const configs = findConfigs(deps, claimed);
  // Settled here so that a batch whose runs all fail before awaiting it leaves no unhandled rejection.
  configs.catch(() => undefined);
  return claimed.map(({ event, attemptId, config }) => ({
    event,
    opened: configs.then((byId) => ({ config: config ? byId.get(config.id) : undefined, attemptId })),
  }));
}

async function findConfigs(deps: ClaimAttemptsDeps, claimed: readonly ClaimedAttempt[]): Promise<Map<number, WebhookConfig>> {
  const wanted = new Map<number, number>();
  for (const { config } of claimed) if (config) wanted.set(config.id, config.version);
  const byId = new Map<number, WebhookConfig>();
  const missing: number[] = [];
  for (const [id, version] of wanted) {
    const cached = await deps.configs.find(id, version);
    if (cached) byId.set(id, cached);
    else missing.push(id);
  }
  if (missing.length > 0)
    for (const config of await findWebhookConfigsByIdsOrKeys(deps.db, missing, [])) byId.set(config.id, config);
  return byId;
}
