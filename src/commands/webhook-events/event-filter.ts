import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { eventStatuses, type EventStatus } from '../../domain/proto-lists.js';
import type { WebhookEventFilter } from '../../store/webhook-events.js';
import { isStoredId } from '../webhook-configs/stored-config.js';
import { parseBodyContains } from './body-contains-filter.js';

/** The filter fields shared by the event list and bulk replay. */
export interface EventFilterInput {
  readonly configId?: bigint | undefined;
  readonly key: string;
  readonly source: string;
  readonly status: string;
  readonly receivedFrom?: Timestamp | undefined;
  readonly receivedTo?: Timestamp | undefined;
  readonly bodyContains: string;
}

/** Checks the filter fields; returns the store filter and every problem, one sentence each. */
export function parseEventFilter(
  input: EventFilterInput,
  allowedStatuses: readonly EventStatus[] = eventStatuses,
): { filter: WebhookEventFilter; problems: string[] } {
  const problems: string[] = [];
  const status = input.status.trim().toLowerCase();
  if (status && !(allowedStatuses as readonly string[]).includes(status)) {
    problems.push(`Status must be one of ${allowedStatuses.join(', ')}`);
  }
  if (input.configId !== undefined && !isStoredId(input.configId)) problems.push('Config id must be a positive number');
  const receivedFrom = input.receivedFrom && timestampDate(input.receivedFrom);
  const receivedTo = input.receivedTo && timestampDate(input.receivedTo);
  if (receivedFrom && receivedTo && receivedFrom >= receivedTo) problems.push('receivedFrom must be before receivedTo');
  const bodyContains = parseBodyContains(input.bodyContains);
  problems.push(...bodyContains.problems);
  const filter: WebhookEventFilter = {
    ...(input.configId !== undefined && isStoredId(input.configId) && { configId: Number(input.configId) }),
    ...(input.key.trim() && { key: input.key.trim() }),
    ...(input.source.trim() && { source: input.source.trim() }),
    ...(status && { statuses: [status as EventStatus] }),
    ...(receivedFrom && { receivedFrom }),
    ...(receivedTo && { receivedTo }),
    ...(bodyContains.bytes && { bodyContains: bodyContains.bytes }),
  };
  return { filter, problems };
}
