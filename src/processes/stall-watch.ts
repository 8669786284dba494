import type { Engine } from 'bpmn-engine';
import type { EngineYield } from './engine-yield.js';

/** Notices when a run has nothing left to do but wait, and stops its engine there. */
export interface StallWatch {
  /** Looks, in the next turn, whether the run only waits; if so takes its state, stops it and calls `onWaiting`. */
  check(): void;
  /** The engine state taken when the run was found only waiting; null when it never was. */
  waitingState(): unknown;
  /** Stops an engine still running (a run that failed or ran out of steps), and waits at most a second for either stop. */
  stopEngine(): Promise<void>;
}

export function createStallWatch(engine: Engine, yielding: EngineYield, onWaiting: () => void): StallWatch {
  // Taken and stopped in the tick that finds the run only waiting: a timer due at that moment must
  // not start its task in a run whose stored state would run it again once resumed.
  let waitingState: unknown = null;
  let stopping: Promise<unknown> = Promise.resolve();
  const check = (): void => {
    setImmediate(() => {
      if (engine.state !== 'running' || waitingState !== null) return;
      // A step held for the next turn (engine-yield.ts) is work, not a wait: look again once it has started.
      if (yielding.holding()) return check();
      if (engine.activityStatus === 'executing') return;
      waitingState = engine.execution.getState();
      stopping = Promise.resolve(engine.stop());
      onWaiting();
    });
  };
  return {
    check,
    waitingState: () => waitingState,
    async stopEngine() {
      // An engine broken out of a cycle may never confirm its stop, and one past its step budget throws
      // again while it stops the executions it still held.
      if (waitingState === null && engine.state === 'running') stopping = Promise.resolve().then(() => engine.stop());
      await Promise.race([stopping.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1_000))]);
    },
  };
}
