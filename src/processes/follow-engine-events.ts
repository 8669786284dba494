import type { Engine } from 'bpmn-engine';
import type { ActivityEventContent, ActivityTracker } from './activity-tracker.js';

/** What a run does as its activities move. */
export interface EngineEventHandlers {
  readonly tracker: ActivityTracker;
  /** After anything that may leave the run only waiting. */
  readonly checkStall: () => void;
  /** After a task (a call activity, a sub-process) ends: its state is worth a save. */
  readonly onTaskEnd: () => void;
  /** PROCESS_MAX_STEPS: completed activities an instance may take in all its runs. */
  readonly maxSteps: number;
  readonly fail: (error: unknown) => void;
}

/** Subscribes the run to the engine's activity events: history and waits tracked, stalls looked for, tasks saved, the step limit kept. */
export function followEngineEvents(engine: Engine, handlers: EngineEventHandlers): void {
  const { tracker, checkStall } = handlers;
  const on = (event: string, handler: (content: ActivityEventContent) => void) =>
    engine.broker.subscribeTmp('event', event, (_key, message) => handler(message.content as ActivityEventContent), {
      noAck: true,
    });
  on('activity.start', (content) => tracker.started(content));
  on('activity.wait', (content) => {
    tracker.waits(content);
    checkStall();
  });
  on('activity.call', (content) => {
    tracker.calls(content);
    checkStall();
  });
  on('activity.timer', (content) => {
    tracker.timer(content);
    checkStall();
  });
  on('activity.leave', (content) => {
    tracker.left(content);
    // The last branch to leave may leave only waits behind (a timer cycle's last reminder beside a
    // user task): no wait or timer event follows to notice.
    checkStall();
  });
  on('activity.error', (content) => tracker.ended(content, 'error'));
  on('activity.end', (content) => {
    tracker.ended(content, 'completed');
    if (tracker.steps > handlers.maxSteps) {
      const error = new Error(`Process stopped after ${handlers.maxSteps} steps (PROCESS_MAX_STEPS)`);
      handlers.fail(error);
      // A cycle of automatic tasks runs synchronously and stop() cannot interrupt it: throwing out of
      // the engine's own call stack can. It surfaces where the engine was entered (execute, resume,
      // signal, a guarded timer or a script callback), each of which reports it as the run's failure.
      throw error;
    }
    if (isTask(content.type)) handlers.onTaskEnd();
  });
}

/** Tasks (and call activities, sub-processes) end with a save; events, gateways and flows are re-run cheaply after a crash. */
function isTask(type: string): boolean {
  return /(Task|CallActivity|SubProcess|Transaction)$/.test(type);
}
