import type { Logger } from 'pino';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { Db } from '../store/open-database.js';
import { countRefusedRequest } from '../store/refused-requests.js';

/**
 * Counts a request refused at the router (401/403) against its configuration and says whether it
 * may also be stored as a `rejected` event: anyone can send refused requests, so at most
 * `refusedStoredPerMinute` per configuration per minute are stored, across every process; the
 * overflow is only counted (GetWebHookConfigByIdQuery shows the counts).
 */
export async function mayStoreRefused(
  deps: { readonly db: Db; readonly log: Logger; readonly refusedStoredPerMinute: number },
  config: WebhookConfig,
  at: Date,
): Promise<boolean> {
  const store = await countRefusedRequest(deps.db, { configId: config.id, at, storedPerMinute: deps.refusedStoredPerMinute });
  if (!store) deps.log.debug({ key: config.key }, 'refused request counted, not stored: over REFUSED_STORED_PER_MINUTE');
  return store;
}
