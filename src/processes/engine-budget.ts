import type { Extension } from 'bpmn-elements';

interface BudgetedActivity {
  readonly broker: {
    subscribeTmp(exchange: string, pattern: string, handler: () => void, options: { noAck: boolean; priority: number }): void;
  };
}

/**
 * A bpmn-engine extension that counts the engine's work in one advance (every execution and event
 * message of every activity) and breaks out of the engine once it passes `maxSteps`. The engine
 * runs its elements synchronously between scripts and service tasks (a multi-instance task of
 * 100,000 iterations, a cycle of plain tasks), so a count is what bounds how long one instance
 * holds the event loop. `onExceeded` learns first; the throw then unwinds the engine's call stack
 * to where the run entered it.
 */
export function createEngineBudget(maxSteps: number, onExceeded: (error: Error) => void): Extension {
  let used = 0;
  const count = () => {
    used += 1;
    if (used <= maxSteps) return;
    const error = new Error(`Process stopped after ${maxSteps} engine steps in one advance (PROCESS_MAX_ADVANCE_STEPS)`);
    onExceeded(error);
    throw error;
  };
  const options = { noAck: true, priority: 10_000 };
  const extension = (activity: BudgetedActivity) => {
    activity.broker.subscribeTmp('execution', '#', count, options);
    activity.broker.subscribeTmp('event', '#', count, options);
    return undefined;
  };
  return extension as unknown as Extension;
}
