import type { Logger } from 'pino';
import { admitLimitedEvents, findLimitWaits } from '../store/admit-limited-events.js';
import type { Db } from '../store/open-database.js';

/**
 * Lets waiting events of limited (or backed-off) configurations through, before the worker claims:
 * `room` is how many the worker could run. Cheap when nothing waits: it looks at most once per
 * `idleLookMs`; while events wait, again when their limits may let more through.
 */
export interface LimitAdmissionPass {
  /** Admits up to `room` events when a look is due (or `force`); answers in how many ms it wants to look again. */
  run(room: number, force?: boolean): Promise<{ readonly admitted: number; readonly lookAgainInMs: number }>;
}

/** How soon a configuration held by maxConcurrency is looked at again (another process's run may have ended). */
const concurrencyLookMs = 20;

export function createLimitAdmission(db: Db, log: Logger, idleLookMs: number): LimitAdmissionPass {
  let nextLookAt = 0;
  return {
    async run(room, force = false) {
      const now = performance.now();
      if (!force && now < nextLookAt) return { admitted: 0, lookAgainInMs: nextLookAt - now };
      let admitted = 0;
      let lookAgainInMs = idleLookMs;
      try {
        for (const configId of await findLimitWaits(db)) {
          if (admitted >= room) {
            lookAgainInMs = 0;
            break;
          }
          const admission = await admitLimitedEvents(db, configId, room - admitted);
          admitted += admission.admitted;
          if (admission.stillWaiting) lookAgainInMs = Math.min(lookAgainInMs, admission.freeInMs ?? concurrencyLookMs);
        }
      } catch (error) {
        log.warn({ err: error }, 'cannot admit events of limited configurations; retrying');
      }
      nextLookAt = performance.now() + lookAgainInMs;
      return { admitted, lookAgainInMs };
    },
  };
}
