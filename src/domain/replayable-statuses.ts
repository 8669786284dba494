import type { EventStatus } from './proto-lists.js';

/** Statuses from which an operator may replay an event (a stored one runs against its reserved key's configuration). */
export const replayableStatuses = ['succeeded', 'failed', 'dead', 'stored'] as const satisfies readonly EventStatus[];
