import { notFound, alreadyExists } from '../../errors.js';
import type { Db } from '../../store/open-database.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { findWebhookConfigById, keyUniqueIndex, routeUniqueIndex } from '../../store/webhook-configs.js';
import type { WebhookConfig } from '../../domain/webhook-config.js';
import { keyConflictMessage, routeConflictMessage } from './validate-webhook-config.js';

/** Loads a configuration by its API id, or fails with `failure` ("Activation failed", ...) and "Configuration not found". */
export async function requireWebhookConfig(db: Db, id: bigint, failure: string): Promise<WebhookConfig> {
  const config = isStoredId(id) ? await findWebhookConfigById(db, Number(id)) : undefined;
  if (!config) throw notFound(failure, ['Configuration not found']);
  return config;
}

/** ids are positive and within the range the store hands out. */
export function isStoredId(id: bigint): boolean {
  return id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER);
}

/**
 * Validation checks for taken keys and routes, but a concurrent request can take them in between;
 * the unique indexes catch that race, and this turns it into the same 409 validation gives.
 */
export function asConflict(failure: string, route: { action: string; path: string }) {
  return (error: unknown): never => {
    if (isUniqueViolation(error, keyUniqueIndex)) throw alreadyExists(failure, [keyConflictMessage]);
    if (isUniqueViolation(error, routeUniqueIndex)) {
      throw alreadyExists(failure, [routeConflictMessage(route.action, route.path)]);
    }
    throw error;
  };
}
