import type { ProcessDefinition } from '../domain/process-definition.js';
import type { ProcessInstance, ProcessStatus } from '../domain/process-instance.js';
import { createActivityTracker } from './activity-tracker.js';
import { applyAdvance } from './apply-advance.js';
import { followEngineEvents } from './follow-engine-events.js';
import { createInstanceEngine } from './instance-engine.js';
import { createInstanceSaver } from './instance-saver.js';
import { processEnvironment } from './process-environment.js';
import { correlationVariableOf } from './process-messages.js';
import { publicVariables, variablesExceed } from './process-variables.js';
import type { Advance, RunDeps, RunOutcome } from './run-types.js';
import { saveFinalState } from './save-final-state.js';
import { createStallWatch } from './stall-watch.js';
import { followUncaughtErrors, uncaughtErrorSentence, type ThrownError } from './thrown-errors.js';

type Settlement = { status: ProcessStatus; error?: string };

/**
 * Runs an instance on bpmn-engine until it completes, fails or only waits (user or receive tasks,
 * messages, timers), storing its engine state at the end of every task and at the wait point; the
 * caller holds the instance's lease. A waiting instance is stopped and lives on only in the store.
 */
export async function runInstance(
  deps: RunDeps,
  instance: ProcessInstance,
  definition: ProcessDefinition,
  advance: Advance,
): Promise<RunOutcome> {
  const sourceContext = await deps.definitions.sourceContextOf(definition);
  let settle: (outcome: Settlement) => void = () => {};
  const settled = new Promise<Settlement>((resolve) => {
    settle = resolve;
  });
  const fail = (error: unknown) => settle({ status: 'ERROR', error: error instanceof Error ? error.message : String(error) });

  const { engine, fresh, yielding } = createInstanceEngine(deps, instance, sourceContext, advance, fail);
  const tracker = createActivityTracker(instance, deps.clock, sourceContext, (activityId) =>
    correlationVariableOf(sourceContext, activityId),
  );
  const stall = createStallWatch(engine, yielding, () => settle({ status: 'WAITING' }));
  const saver = createInstanceSaver(deps, instance.id);
  const saveRunning = () =>
    saver.saveSoon(async () => {
      if (engine.state !== 'running') return undefined;
      const state = await engine.getState();
      return tracker.change('RUNNING', publicVariables(processEnvironment(engine).variables), state);
    });
  followEngineEvents(engine, { tracker, checkStall: stall.check, onTaskEnd: saveRunning, maxSteps: deps.maxSteps, fail });
  const thrown = followUncaughtErrors(engine.broker);
  engine.once('end', () => settle(endOutcome(thrown.uncaught())));
  engine.once('error', (error: Error) => settle({ status: 'ERROR', error: error.message }));

  try {
    if (fresh) await engine.execute();
    else await engine.resume();
    applyAdvance(engine, sourceContext, instance, { fresh, advance }, saver.recordWithNextSave);
    stall.check();
  } catch (error) {
    fail(error);
  }

  const outcome = await settled;
  saver.stop();
  yielding.halt();
  await saver.drained();
  const variables = publicVariables(processEnvironment(engine).variables);
  const tooLarge = variablesExceed(variables, deps.maxVariablesBytes)
    ? `Process variables exceed ${deps.maxVariablesBytes} bytes`
    : undefined;
  const errors = [...(outcome.error ? [outcome.error] : []), ...(tooLarge === undefined ? [] : [tooLarge])];
  await stall.stopEngine();
  return saveFinalState(deps, {
    instance,
    sourceContext,
    tracker,
    saver,
    status: tooLarge === undefined ? outcome.status : 'ERROR',
    errors,
    variables,
    waitingState: stall.waitingState(),
  });
}

/** How a run that reached its end ended: in ERROR when an error end event threw an error nothing caught. */
function endOutcome(uncaught: ThrownError | undefined): Settlement {
  return uncaught ? { status: 'ERROR', error: uncaughtErrorSentence(uncaught) } : { status: 'COMPLETED' };
}
