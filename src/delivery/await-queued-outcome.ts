import { findWebhookEventById } from '../store/webhook-events.js';
import type { Db } from '../store/open-database.js';
import type { AcceptResult } from './accept-result.js';

/** How often a waiting caller looks at its event. */
const pollMs = 50;

/**
 * A sync webhook that had to be queued (it runs after the earlier events of its ordering key):
 * waits up to `withinMs` for the workers to finish it, and answers its outcome as a sync call would
 * (the result, or the errors of a dead event); still unfinished then (waiting, or retrying after a
 * failure), it is answered `accepted` with its event id and runs on.
 */
export async function awaitQueuedOutcome(db: Db, eventId: number, withinMs: number): Promise<AcceptResult> {
  const deadline = performance.now() + withinMs;
  for (;;) {
    const event = await findWebhookEventById(db, eventId);
    if (event?.status === 'succeeded') {
      return { kind: 'succeeded', eventId, repeated: false, data: event.result, httpResponse: event.httpResponse };
    }
    if (event?.status === 'dead') return { kind: 'failed', eventId, repeated: false, errors: event.errors ?? [] };
    const left = deadline - performance.now();
    if (left <= 0) return { kind: 'accepted', eventId, repeated: false };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, left)));
  }
}
