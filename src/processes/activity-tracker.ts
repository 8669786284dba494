import type { SerializableContext } from 'moddle-context-serializer';
import type { ActivityRecord, ProcessInstance, ProcessStatus, WaitingTask } from '../domain/process-instance.js';
import { callsOwnProcess } from './call-activities.js';
import { correlationKeyOf, messageNameOf, type MessageRef } from './process-messages.js';

const maxHistory = 500;

/** What bpmn-engine's activity events carry, as far as a run reads it. */
export interface ActivityEventContent {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly executionId: string;
  readonly expireAt?: string | Date;
  readonly isRootScope?: boolean;
  /** A receive task or message event: the message it waits for. */
  readonly message?: MessageRef;
  /** A call activity: the process it calls. */
  readonly calledElement?: string;
}

/**
 * Follows activities for the instance's history, its waiting tasks (with the message each waits for
 * and its correlation key, read from the variable `correlationVariable` names) and armed timers.
 */
export function createActivityTracker(
  instance: ProcessInstance,
  clock: () => Date,
  sourceContext: SerializableContext,
  correlationVariable: (activityId: string) => string | undefined,
) {
  const history: ActivityRecord[] = [...instance.history];
  const waiting = new Map<string, WaitingTask>();
  /** Call activities that left in this run: one entered again calls a new child. */
  const leftCalls = new Set<string>();
  const timers = new Map<string, Date>();
  let steps = instance.steps;
  const now = () => clock().toISOString();
  /**
   * One entry per waiting element, boundary events after the tasks they sit beside (the first is the
   * instance's current task); one waiting for a message carries its key as the variables hold it now.
   */
  const waitingTasks = (variables: Record<string, unknown>): WaitingTask[] =>
    besideTasksLast([...new Map([...waiting.values()].map((task) => [task.id, task])).values()], isBoundary).map((task) => {
      const variable = task.messageId === undefined ? undefined : correlationVariable(task.id);
      const key = variable === undefined ? undefined : correlationKeyOf(variables[variable]);
      return key === undefined ? task : { ...task, correlationKey: key.text, correlationKeyType: key.type };
    });
  const isActivity = (content: ActivityEventContent) => !content.isRootScope || content.type !== 'bpmn:Process';
  const isBoundary = (task: WaitingTask) => sourceContext.getActivityById(task.id)?.type === 'bpmn:BoundaryEvent';
  /** A waiting element as the definition has it: a message event waits through its event definition, which reports its own type. */
  const waitingElement = (content: ActivityEventContent) => ({
    id: content.id,
    name: content.name ?? '',
    type: sourceContext.getActivityById(content.id)?.type ?? content.type,
  });
  return {
    get steps() {
      return steps;
    },
    started(content: ActivityEventContent) {
      if (!isActivity(content)) return;
      history.push({
        id: content.id,
        name: content.name ?? '',
        type: content.type,
        startedAt: now(),
        endedAt: null,
        outcome: 'running',
      });
      if (history.length > maxHistory) history.splice(0, history.length - maxHistory);
    },
    ended(content: ActivityEventContent, outcome: string) {
      const record = history.findLast((entry) => entry.id === content.id && entry.endedAt === null);
      if (record) history[history.lastIndexOf(record)] = { ...record, endedAt: now(), outcome };
      if (outcome === 'completed') steps += 1;
    },
    waits(content: ActivityEventContent) {
      const message = content.message && { messageId: content.message.id, messageName: messageNameOf(content.message) };
      waiting.set(content.executionId, { ...waitingElement(content), ...message });
    },
    timer(content: ActivityEventContent) {
      if (content.expireAt) timers.set(content.executionId, new Date(content.expireAt));
      // Kept as its bpmn:TimerEventDefinition: a signal naming no task passes timers by that type.
      waiting.set(content.executionId, { id: content.id, name: content.name ?? '', type: content.type });
    },
    calls(content: ActivityEventContent) {
      const calledElement = content.calledElement;
      // A process of the same document runs inside the instance, as bpmn-engine does it.
      if (!calledElement || callsOwnProcess(sourceContext, calledElement)) return;
      const known = leftCalls.has(content.id)
        ? undefined
        : instance.waiting.find((task) => task.id === content.id)?.childInstanceId;
      waiting.set(content.executionId, {
        id: content.id,
        name: content.name ?? '',
        type: content.type,
        calledElement,
        ...(known !== undefined && { childInstanceId: known }),
      });
    },
    left(content: ActivityEventContent) {
      if (content.type === 'bpmn:CallActivity') leftCalls.add(content.id);
      waiting.delete(content.executionId);
      timers.delete(content.executionId);
    },
    waitingList: (variables: Record<string, unknown>) => waitingTasks(variables),
    nextTimer(): Date | null {
      const times = [...timers.values()].map((date) => date.getTime());
      return times.length > 0 ? new Date(Math.min(...times)) : null;
    },
    change(status: ProcessStatus, variables: Record<string, unknown>, engineState: unknown) {
      return {
        status,
        variables,
        engineState,
        waiting: waitingTasks(variables),
        history: [...history],
        errors: [] as string[],
        timerDueAt: null as Date | null,
        steps,
        completedAt: null as Date | null,
      };
    },
  };
}

export type ActivityTracker = ReturnType<typeof createActivityTracker>;

/** Boundary events after the other waiting elements, each group in its order. */
function besideTasksLast(tasks: readonly WaitingTask[], isBoundary: (task: WaitingTask) => boolean): WaitingTask[] {
  return [...tasks.filter((task) => !isBoundary(task)), ...tasks.filter(isBoundary)];
}
