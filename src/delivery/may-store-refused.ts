import type { Logger } from 'pino';
import type { Db } from '../store/open-database.js';
import { countRefusedRequest, type RefusalScope } from '../store/refused-requests.js';

/**
 * Counts a refused (401/403) request against its configuration, or its provider for a fixed
 * endpoint, and says whether it may also be stored as a `rejected` event: anyone can send refused
 * requests, so at most `refusedStoredPerMinute` per scope per minute are stored, across every
 * process; the overflow is only counted (GetWebHookConfigByIdQuery shows a configuration's counts).
 */
export async function mayStoreRefused(
  deps: { readonly db: Db; readonly log: Logger; readonly refusedStoredPerMinute: number },
  scope: RefusalScope,
  at: Date,
): Promise<boolean> {
  const store = await countRefusedRequest(deps.db, { scope, at, storedPerMinute: deps.refusedStoredPerMinute });
  if (!store) deps.log.debug(scope, 'refused request counted, not stored: over REFUSED_STORED_PER_MINUTE');
  return store;
}
