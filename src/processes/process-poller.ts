import type { Logger } from 'pino';
import type { Db } from '../store/open-database.js';
import { findProcessDefinitionById } from '../store/process-definitions.js';
import { claimDueProcessInstances } from '../store/process-instances.js';
import { inProcessAdvanceSpan } from '../tracing/process-advance-span.js';
import type { Tracing } from '../tracing/tracing.js';
import type { InstanceAdvancer } from './instance-advancer.js';
import type { LeaseTerms } from './instance-leases.js';

/** Resumes due timers and runs abandoned by a process that died: claims up to 20 due instances a tick. */
export interface ProcessPoller {
  /** Polls now and every `pollMs` after the previous poll ended. */
  start(): void;
  /** Stops polling; resolves when the poll in flight, if any, has ended. */
  stop(): Promise<void>;
}

export interface ProcessPollerDeps {
  readonly db: Db;
  readonly log: Logger;
  readonly lease: LeaseTerms;
  readonly pollMs: number;
  readonly tracing: Tracing | undefined;
  readonly advancer: InstanceAdvancer;
}

export function createProcessPoller({ db, log, lease, pollMs, tracing, advancer }: ProcessPollerDeps): ProcessPoller {
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  let stopped = false;

  const pollOnce = async () => {
    const due = await claimDueProcessInstances(db, { ...lease, limit: 20 });
    for (const instance of due) {
      const definition = await findProcessDefinitionById(db, instance.definitionId);
      // Not awaited: each advance runs on its own; the span links it to the instance's stored trace.
      if (definition)
        void inProcessAdvanceSpan(tracing, instance, () => advancer.advance(instance, definition, { kind: 'resume' }));
    }
  };

  const tick = () => {
    polling = pollOnce()
      .catch((error: unknown) => log.warn({ err: error }, 'process poll failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, pollMs);
      });
  };

  return {
    start: tick,
    stop() {
      stopped = true;
      clearTimeout(timer);
      return polling;
    },
  };
}
