import { notFound } from '../../errors.js';
import { isStoredId } from '../webhook-configs/stored-config.js';

/** An instance id from a request as a store id, or the not-found failure every instance command gives. */
export function requireInstanceId(id: bigint, failure: string): number {
  if (!isStoredId(id)) throw notFound(failure, ['No process instance found with the specified ID']);
  return Number(id);
}
