import { Timers } from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import type { SerializableContext } from 'moddle-context-serializer';
import type { ProcessInstance } from '../domain/process-instance.js';
import { createEngineBudget } from './engine-budget.js';
import { createEngineYield, type EngineYield } from './engine-yield.js';
import type { Advance, RunDeps } from './run-types.js';

/** An engine for one run of an instance: new for its first run, else recovered from its stored state. */
export interface InstanceEngine {
  readonly engine: Engine;
  /** A first run (or one whose state was never stored): executed, not resumed. */
  readonly fresh: boolean;
  readonly yielding: EngineYield;
}

/**
 * Sets up bpmn-engine for a run: the sandboxed scripts, the service tasks, the step budget and the
 * yielding between steps, and timers whose callbacks report a failure to `fail` instead of throwing
 * out of the service.
 */
export function createInstanceEngine(
  deps: Pick<RunDeps, 'createScripts' | 'extensions' | 'maxAdvanceSteps' | 'engineSliceMs'>,
  instance: ProcessInstance,
  sourceContext: SerializableContext,
  advance: Advance,
  fail: (error: unknown) => void,
): InstanceEngine {
  const yielding = createEngineYield(fail, deps.engineSliceMs);
  const options = {
    name: `process-instance-${instance.id}`,
    sourceContext,
    scripts: deps.createScripts(),
    timers: guardedTimers(fail),
    extensions: {
      ...deps.extensions,
      engineBudget: createEngineBudget(deps.maxAdvanceSteps, fail),
      engineYield: yielding.extension,
    },
  };
  const fresh = advance.kind === 'start' || instance.engineState === null;
  const engine = fresh
    ? new Engine({ ...options, variables: { ...instance.variables } })
    : new Engine(options).recover(structuredClone(instance.engineState) as never, options);
  return { engine, fresh, yielding };
}

/** bpmn-engine's timers, with callbacks whose failures end the run instead of the service. */
function guardedTimers(onError: (error: unknown) => void) {
  return new Timers({
    setTimeout: ((callback: (...args: unknown[]) => void, delay: number, ...args: unknown[]) =>
      setTimeout(() => {
        try {
          callback(...args);
        } catch (error) {
          onError(error);
        }
      }, delay)) as typeof setTimeout,
    clearTimeout,
  });
}
