import type { Extension, IScripts } from 'bpmn-elements';
import { Timers } from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import type { ProcessDefinition } from '../domain/process-definition.js';
import type { ActivityRecord, ProcessInstance, ProcessStatus, WaitingTask } from '../domain/process-instance.js';
import type { SerializableContext } from 'moddle-context-serializer';
import type { Db } from '../store/open-database.js';
import { cancelCalledInstances, markChildReturned, reserveCallTreeInstances } from '../store/process-calls.js';
import { insertProcessInstance, saveProcessInstance } from '../store/process-instances.js';
import {
  callFailure,
  callsOwnProcess,
  callTreeFullSentence,
  maxCallTreeInstances,
  planCalls,
  returnedVariables,
  type PlannedCall,
} from './call-activities.js';
import type { DefinitionCache } from './definition-cache.js';
import { createEngineBudget } from './engine-budget.js';
import { createEngineYield } from './engine-yield.js';
import {
  correlationKeyOf,
  correlationVariableOf,
  messageNameOf,
  messageVariableOf,
  type MessageRef,
} from './process-messages.js';
import { publicVariables } from './process-variables.js';
import { followUncaughtErrors, thrownErrorCode, uncaughtErrorSentence, type ThrownError } from './thrown-errors.js';
import { insertMessageDelivery } from '../store/process-message-deliveries.js';
import type { ProcessInstanceChange } from '../store/process-instances.js';

/**
 * What advances an instance: its first run, a resume after a restart or a timer, a signal to a
 * waiting task (the engine is signalled with the task's id, or its message's id for a receive task
 * or message event), a correlated message, recorded as delivered with the first state it produces
 * when it comes from a webhook event, or a called child that finished, handed back to its call
 * activity (recorded as returned with the first state it produces).
 */
export type Advance =
  | { readonly kind: 'start' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'signal'; readonly signalId: string; readonly variables: Record<string, unknown> }
  | {
      readonly kind: 'message';
      /** The waiting element that takes the message. */
      readonly activityId: string;
      readonly message: MessageRef;
      readonly variables: Record<string, unknown>;
      readonly eventId?: number;
    }
  | { readonly kind: 'callReturned'; readonly activityId: string; readonly child: ProcessInstance };

export interface RunDeps {
  readonly db: Db;
  readonly clock: () => Date;
  readonly owner: string;
  /** How long a child instance a call activity starts is leased to this process. */
  readonly leaseMs: number;
  readonly maxSteps: number;
  /** Engine messages one advance may take (PROCESS_MAX_ADVANCE_STEPS). */
  readonly maxAdvanceSteps: number;
  /** PROCESS_ENGINE_SLICE_MS (engine-yield.ts). */
  readonly engineSliceMs: number;
  readonly maxVariablesBytes: number;
  readonly definitions: DefinitionCache;
  /** A fresh bpmn-engine `scripts` object (the sandbox) per run. */
  createScripts(): IScripts;
  /** bpmn-engine `extensions` for this run (service tasks). */
  readonly extensions?: Record<string, Extension>;
}

/** Where a run stopped, as stored. */
export interface RunOutcome {
  readonly status: ProcessStatus;
  readonly variables: Record<string, unknown>;
  readonly waiting: readonly WaitingTask[];
  readonly errors: readonly string[];
  /** Child instances its call activities started, stored and leased to this process: run them next. */
  readonly children: readonly ProcessInstance[];
}

const maxHistory = 500;

interface ActivityEventContent {
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
  let settle: (outcome: { status: ProcessStatus; error?: string }) => void = () => {};
  const fail = (error: unknown) => settle({ status: 'ERROR', error: error instanceof Error ? error.message : String(error) });
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

  const tracker = createTracker(instance, deps, sourceContext, (activityId) => correlationVariableOf(sourceContext, activityId));
  const settled = new Promise<{ status: ProcessStatus; error?: string }>((resolve) => {
    settle = resolve;
  });
  // Taken and stopped in the tick that finds the run only waiting: a timer due at that moment must
  // not start its task in a run whose stored state would run it again once resumed.
  let waitingState: unknown = null;
  let stopping: Promise<unknown> = Promise.resolve();
  const checkStall = (): void => {
    setImmediate(() => {
      if (engine.state !== 'running' || waitingState !== null) return;
      // A step held for the next turn (engine-yield.ts) is work, not a wait: look again once it has started.
      if (yielding.holding()) return checkStall();
      if (engine.activityStatus === 'executing') return;
      waitingState = engine.execution.getState();
      stopping = Promise.resolve(engine.stop());
      settle({ status: 'WAITING' });
    });
  };
  let saving: Promise<unknown> = Promise.resolve();
  let finished = false;
  const environment = () => processEnvironment(engine);
  // What the next save records in its transaction: a webhook's message delivered to the engine, a
  // finished child handed back to its call activity.
  const pendingRecords: ((tx: Db, now: Date) => Promise<void>)[] = [];
  /** Saves a change; `prepare` rewrites it inside the transaction (the final save starts called children there). */
  const save = async (
    change: ProcessInstanceChange,
    release: boolean,
    prepare?: (tx: Db, now: Date) => Promise<ProcessInstanceChange>,
  ) => {
    const records = [...pendingRecords];
    const options = { owner: deps.owner, now: deps.clock(), release };
    if (records.length === 0 && !prepare) return saveProcessInstance(deps.db, instance.id, change, options);
    await deps.db.transaction(async (tx) => {
      const prepared = prepare ? await prepare(tx, options.now) : change;
      if (!(await saveProcessInstance(tx, instance.id, prepared, options))) throw new Error('Process instance lease was lost');
      for (const record of records) await record(tx, options.now);
    });
    pendingRecords.splice(0, records.length);
    return true;
  };
  // One save waits at most: it reads the state when it runs, so it also covers tasks that end meanwhile.
  let saveQueued = false;
  const saveRunning = () => {
    if (saveQueued) return;
    saveQueued = true;
    saving = saving.then(async () => {
      saveQueued = false;
      if (finished || engine.state !== 'running') return;
      const state = await engine.getState();
      await save(tracker.change('RUNNING', publicVariables(environment().variables), state), false);
    });
  };

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
    if (tracker.steps > deps.maxSteps) {
      const error = new Error(`Process stopped after ${deps.maxSteps} steps (PROCESS_MAX_STEPS)`);
      fail(error);
      // A cycle of automatic tasks runs synchronously and stop() cannot interrupt it: throwing out of
      // the engine's own call stack can. It surfaces where the engine was entered (execute, resume,
      // signal, a guarded timer or a script callback), each of which reports it as the run's failure.
      throw error;
    }
    if (isTask(content.type)) saveRunning();
  });
  const thrown = followUncaughtErrors(engine.broker);
  engine.once('end', () => settle(endOutcome(thrown.uncaught())));
  engine.once('error', (error: Error) => settle({ status: 'ERROR', error: error.message }));

  try {
    if (fresh) await engine.execute();
    else await engine.resume();
    // An instance started by a message waits at its message start event: hand it the message (again,
    // when the first run was lost before anything was stored).
    if (fresh && instance.startMessage) engine.execution.signal({ id: instance.startMessage });
    if (advance.kind === 'signal') {
      processEnvironment(engine).assignVariables(advance.variables);
      engine.execution.signal({ id: advance.signalId });
    }
    if (advance.kind === 'message') {
      const variable = messageVariableOf(sourceContext, advance.activityId, advance.message);
      processEnvironment(engine).assignVariables({ [variable]: advance.variables });
      engine.execution.signal({ id: advance.message.id });
      const { eventId } = advance;
      if (eventId !== undefined) {
        const messageName = messageNameOf(advance.message);
        pendingRecords.push((tx, now) => insertMessageDelivery(tx, { eventId, messageName, instanceId: instance.id, now }));
      }
    }
    if (advance.kind === 'callReturned') {
      returnToCallActivity(engine, sourceContext, advance.activityId, advance.child);
      const childId = advance.child.id;
      pendingRecords.push((tx) => markChildReturned(tx, childId));
    }
    checkStall();
  } catch (error) {
    fail(error);
  }

  const outcome = await settled;
  finished = true;
  yielding.halt();
  await saving.catch(() => {});
  const variables = publicVariables(environment().variables);
  let status = outcome.status;
  const errors = outcome.error ? [outcome.error] : [];
  if (Buffer.byteLength(JSON.stringify(variables)) > deps.maxVariablesBytes) {
    status = 'ERROR';
    errors.push(`Process variables exceed ${deps.maxVariablesBytes} bytes`);
  }
  // An engine broken out of a cycle may never confirm its stop, and one past its step budget throws
  // again while it stops the executions it still held.
  if (waitingState === null && engine.state === 'running') stopping = Promise.resolve().then(() => engine.stop());
  await Promise.race([stopping.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1_000))]);
  let waiting = status === 'WAITING' ? tracker.waitingList(variables) : [];
  const newCalls = waiting.filter((task) => task.calledElement !== undefined && task.childInstanceId === undefined);
  const planned = await planCalls(deps.db, sourceContext, instance, newCalls, variables);
  if ('error' in planned) {
    status = 'ERROR';
    errors.push(planned.error);
    waiting = [];
  }
  const plans = 'plans' in planned ? planned.plans : [];
  const state = status === 'WAITING' ? waitingState : null;
  const change = {
    ...tracker.change(status, variables, state),
    waiting,
    errors,
    timerDueAt: status === 'WAITING' ? tracker.nextTimer() : null,
    completedAt: status === 'WAITING' ? null : deps.clock(),
  };
  // Children are stored with the state that waits for them, and cancelled with the one that no
  // longer does, so a crash never leaves a parent waiting for a child that does not exist, nor a
  // child running for a parent that stopped waiting. Room for them in the call tree is reserved in
  // the same transaction: refused, the instance ends in ERROR instead.
  let children: ProcessInstance[] = [];
  let treeFull: string | undefined;
  const prepare =
    plans.length > 0 || droppedChildren(instance, waiting).length > 0
      ? async (tx: Db, now: Date): Promise<ProcessInstanceChange> => {
          if (plans.length > 0 && !(await reserveCallTreeInstances(tx, instance.id, plans.length, maxCallTreeInstances))) {
            treeFull = callTreeFullSentence(plans);
            await cancelCalledInstances(tx, droppedChildren(instance, []), now, noLongerWaits(instance, 'ERROR'));
            return {
              ...change,
              status: 'ERROR',
              engineState: null,
              waiting: [],
              errors: [...errors, treeFull],
              timerDueAt: null,
              completedAt: now,
            };
          }
          await cancelCalledInstances(tx, droppedChildren(instance, waiting), now, noLongerWaits(instance, status));
          children = await startChildren(tx, deps, instance, plans, now);
          return { ...change, waiting: withChildren(change.waiting, plans, children) };
        }
      : undefined;
  await save(change, true, prepare);
  if (treeFull !== undefined) {
    status = 'ERROR';
    errors.push(treeFull);
    waiting = [];
  }
  return { status, variables, waiting, errors, children };
}

/** How a run that reached its end ended: in ERROR when an error end event threw an error nothing caught. */
function endOutcome(uncaught: ThrownError | undefined): { status: ProcessStatus; error?: string } {
  return uncaught ? { status: 'ERROR', error: uncaughtErrorSentence(uncaught) } : { status: 'COMPLETED' };
}

/** Children the instance's call activities started that `waiting` no longer waits for. */
function droppedChildren(instance: ProcessInstance, waiting: readonly WaitingTask[]): number[] {
  const stillCalled = new Set(waiting.map((task) => task.childInstanceId));
  return instance.waiting.flatMap((task) =>
    task.childInstanceId !== undefined && !stillCalled.has(task.childInstanceId) ? [task.childInstanceId] : [],
  );
}

function noLongerWaits(instance: ProcessInstance, status: ProcessStatus): string {
  return `Its call activity in instance ${instance.id} no longer waits (${status})`;
}

/** Stores each planned child, leased to this process, which runs it next. */
async function startChildren(
  tx: Db,
  deps: RunDeps,
  parent: ProcessInstance,
  plans: readonly PlannedCall[],
  now: Date,
): Promise<ProcessInstance[]> {
  const children: ProcessInstance[] = [];
  for (const plan of plans) {
    children.push(
      await insertProcessInstance(tx, {
        definitionId: plan.definition.id,
        variables: plan.variables,
        now,
        owner: deps.owner,
        leaseMs: deps.leaseMs,
        parentInstanceId: parent.id,
        callDepth: parent.callDepth + 1,
      }),
    );
  }
  return children;
}

function withChildren(
  waiting: readonly WaitingTask[],
  plans: readonly PlannedCall[],
  children: readonly ProcessInstance[],
): WaitingTask[] {
  return waiting.map((task) => {
    const index = plans.findIndex((plan) => plan.taskId === task.id);
    const child = index === -1 ? undefined : children[index];
    return child ? { ...task, childInstanceId: child.id } : task;
  });
}

interface PostponedApi {
  readonly id: string;
  sendApiMessage(action: string, content: object): void;
}

/**
 * Completes a call activity with its child's variables (merged in first, as a signal's), or fails
 * it with why the child did not complete, as bpmn-elements fails a call activity: an error with the
 * code of the child's uncaught error end event, which a boundary error event with that code (or
 * without one) catches, else the instance ends in ERROR.
 */
function returnToCallActivity(
  engine: Engine,
  context: Parameters<typeof returnedVariables>[0],
  activityId: string,
  child: ProcessInstance,
): void {
  if (child.status === 'COMPLETED') {
    processEnvironment(engine).assignVariables(returnedVariables(context, activityId, child));
    engine.execution.signal({ id: activityId });
    return;
  }
  const postponed = (engine.execution as unknown as { getPostponed(): PostponedApi[] }).getPostponed();
  const call = postponed.find((api) => api.id === activityId);
  if (!call) throw new Error(`Call activity "${activityId}" is not waiting for instance ${child.id}`);
  call.sendApiMessage('error', { message: callFailure(child), code: thrownErrorCode(child.errors) });
}

/** Boundary events after the other waiting elements, each group in its order. */
function besideTasksLast(tasks: readonly WaitingTask[], isBoundary: (task: WaitingTask) => boolean): WaitingTask[] {
  return [...tasks.filter((task) => !isBoundary(task)), ...tasks.filter(isBoundary)];
}

/** Tasks (and call activities, sub-processes) end with a save; events, gateways and flows are re-run cheaply after a crash. */
function isTask(type: string): boolean {
  return /(Task|CallActivity|SubProcess|Transaction)$/.test(type);
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

interface ProcessEnvironment {
  readonly variables: Record<string, unknown>;
  assignVariables(variables: object): void;
}

/**
 * The executable process's own environment: scripts read and write process variables there (the
 * engine's and the definition's environments are copies taken at start).
 */
function processEnvironment(engine: Engine): ProcessEnvironment {
  const definition = engine.execution?.definitions[0] as unknown as
    | { getProcesses(): { environment: ProcessEnvironment }[] }
    | undefined;
  return definition?.getProcesses()[0]?.environment ?? (engine.environment as unknown as ProcessEnvironment);
}

/**
 * Follows activities for the instance's history, its waiting tasks (with the message each waits for
 * and its correlation key, read from the variable `correlationVariable` names) and armed timers.
 */
function createTracker(
  instance: ProcessInstance,
  deps: RunDeps,
  sourceContext: SerializableContext,
  correlationVariable: (activityId: string) => string | undefined,
) {
  const history: ActivityRecord[] = [...instance.history];
  const waiting = new Map<string, WaitingTask>();
  /** Call activities that left in this run: one entered again calls a new child. */
  const leftCalls = new Set<string>();
  const timers = new Map<string, Date>();
  let steps = instance.steps;
  const now = () => deps.clock().toISOString();
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
