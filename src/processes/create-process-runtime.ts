import type { IScripts } from 'bpmn-elements';
import type { JsonValue } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import type { ProcessSettings } from '../config/config.js';
import type { ProcessDefinition } from '../domain/process-definition.js';
import { type CorrelationKeyType, isFinished, type ProcessInstance } from '../domain/process-instance.js';
import { type AppError, failedPrecondition, invalidArgument, notFound } from '../errors.js';
import type { Db } from '../store/open-database.js';
import { findProcessDefinitionById } from '../store/process-definitions.js';
import {
  claimDueProcessInstances,
  claimProcessInstance,
  findProcessInstanceByEventId,
  findInstancesWaitingForMessage,
  findProcessInstanceById,
  insertProcessInstance,
  saveProcessInstance,
  saveProcessTraceContext,
} from '../store/process-instances.js';
import type { ScriptCommandReply, ScriptSandbox } from '../executors/script/script-sandbox.js';
import { type AdvanceEnd, inProcessAdvanceSpan } from '../tracing/process-advance-span.js';
import { activeTraceHeaders } from '../tracing/trace-context.js';
import type { Tracing } from '../tracing/tracing.js';
import { createCommandServiceTasks } from './command-service-tasks.js';
import { createDefinitionCache } from './definition-cache.js';
import { findStartMessage } from './process-messages.js';
import { createProcessScripts } from './process-scripts.js';
import { findMessageDelivery } from '../store/process-message-deliveries.js';
import { cancelCalledInstances } from '../store/process-calls.js';
import type { CorrelatedMessage, ExecutionMode, ProcessRuntime, StartOrigin } from './process-runtime.js';
import { variablesExceed } from './process-variables.js';
import { runInstance } from './run-instance.js';
import type { Advance, RunOutcome } from './run-types.js';

export interface ProcessRuntimeOptions {
  readonly db: Db;
  readonly clock: () => Date;
  readonly log: Logger;
  /** Identifies this service process in instance leases. */
  readonly owner: string;
  readonly sandbox: ScriptSandbox;
  readonly scriptTimeoutMs: number;
  readonly settings: ProcessSettings;
  /** The service's tracer: the poller's advances get spans linked to each instance's stored trace context. */
  readonly tracing?: Tracing | undefined;
  /** Runs a command for a script's `doCmd`, with the rights of the webhook or caller that started the instance. */
  runCommand(name: string, data: JsonValue): Promise<ScriptCommandReply>;
}

/** Starts, signals, cancels and resumes process instances; one advance per instance at a time. */
export function createProcessRuntime(options: ProcessRuntimeOptions): ProcessRuntime {
  const definitions = createDefinitionCache({ minTimerCycleMs: options.settings.minTimerCycleMs });
  const active = new Map<number, Promise<unknown>>();
  let poller: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  let closed = false;
  const runDeps = {
    db: options.db,
    clock: options.clock,
    owner: options.owner,
    leaseMs: options.settings.leaseMs,
    maxSteps: options.settings.maxSteps,
    maxAdvanceSteps: options.settings.maxAdvanceSteps,
    engineSliceMs: options.settings.engineSliceMs,
    maxVariablesBytes: options.settings.maxVariablesBytes,
    definitions,
    extensions: createCommandServiceTasks(options.runCommand),
    createScripts: () =>
      createProcessScripts({
        sandbox: options.sandbox,
        timeoutMs: options.scriptTimeoutMs,
        runCommand: options.runCommand,
      }) as unknown as IScripts,
  };
  const lease = { owner: options.owner, leaseMs: options.settings.leaseMs };

  /** Runs `work` after any advance of the same instance in this process has finished. */
  const exclusive = <T>(id: number, work: () => Promise<T>): Promise<T> => {
    const previous = active.get(id) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(work);
    const tail = next.catch(() => {});
    active.set(id, tail);
    void tail.then(() => {
      if (active.get(id) === tail) active.delete(id);
    });
    return next;
  };

  const logFailure = (instanceId: number) => (error: unknown) => {
    options.log.error({ err: error, instanceId }, 'process instance run failed');
  };

  /**
   * A resumed waiting instance whose called child finished (its hand-back was lost with the process
   * that ran the child) takes that child back instead.
   */
  const returningCall = async (instance: ProcessInstance): Promise<Advance | undefined> => {
    if (instance.status !== 'WAITING') return undefined;
    for (const task of instance.waiting) {
      if (task.childInstanceId === undefined) continue;
      const child = await findProcessInstanceById(options.db, task.childInstanceId);
      if (child && isFinished(child.status)) return { kind: 'callReturned', activityId: task.id, child };
    }
    return undefined;
  };

  /** After a run: runs the children it started, and hands a finished child back to its parent. */
  const followUp = async (instance: ProcessInstance, outcome: Pick<RunOutcome, 'status' | 'children'>) => {
    await Promise.all(
      outcome.children.map(async (child) => {
        const definition = await findProcessDefinitionById(options.db, child.definitionId);
        if (definition) await advance(child, definition, { kind: 'start' });
      }),
    );
    if (outcome.status !== 'WAITING' && instance.parentInstanceId !== null) await returnToParent(instance.parentInstanceId);
  };

  /** Runs an instance and what follows it; resolves to why it ran and how it ended (undefined when it failed, logged). */
  const advance = (instance: ProcessInstance, definition: ProcessDefinition, step: Advance): Promise<AdvanceEnd> =>
    exclusive(instance.id, async () => {
      const next = step.kind === 'resume' ? ((await returningCall(instance)) ?? step) : step;
      return { next, outcome: await runInstance(runDeps, instance, definition, next) };
    })
      .then(async ({ next, outcome }) => {
        await followUp(instance, outcome);
        return { reason: advanceReason(instance, next), status: outcome.status };
      })
      .catch((error: unknown) => {
        logFailure(instance.id)(error);
        return undefined;
      });

  /** Keeps the context of the traced signal or message moving an instance (its lease held), for the poller's later advances. */
  const keepTraceContext = async (id: number): Promise<void> => {
    const traceContext = activeTraceHeaders();
    if (traceContext) await saveProcessTraceContext(options.db, id, traceContext, options.owner);
  };

  /**
   * Hands a finished child back to its waiting parent. A parent another process is advancing is left
   * to the poller, which finds it once that process lets it go.
   */
  const returnToParent = (parentId: number): Promise<void> =>
    exclusive(parentId, async () => {
      const parent = await claimProcessInstance(options.db, parentId, lease);
      if (!parent) return undefined;
      const step = await returningCall(parent);
      const definition = step && (await findProcessDefinitionById(options.db, parent.definitionId));
      if (!step || !definition) {
        await release(parentId);
        return undefined;
      }
      return { parent, outcome: await runInstance(runDeps, parent, definition, step) };
    })
      .then((result) => result && followUp(result.parent, result.outcome))
      .catch(logFailure(parentId));

  const requireDefinition = async (id: number) => {
    const definition = await findProcessDefinitionById(options.db, id);
    if (!definition) throw notFound('Process definition not found', [`Process definition ${id} does not exist`]);
    return definition;
  };

  const requireInstance = async (id: number) => {
    const instance = await findProcessInstanceById(options.db, id);
    if (!instance) throw notFound('Process instance not found', ['No process instance found with the specified ID']);
    return instance;
  };

  /** Leases an instance for a signal or cancel: refused while another process advances it. */
  const claim = async (id: number) => {
    await requireInstance(id);
    const claimed = await claimProcessInstance(options.db, id, lease);
    if (!claimed) throw failedPrecondition('Process instance is busy', ['Another process is advancing this instance; try again']);
    return claimed;
  };

  /** Lets a leased instance go without running it (its lease ends now): the poller or another process may take it at once. */
  const release = async (id: number): Promise<void> => {
    await claimProcessInstance(options.db, id, { ...lease, leaseMs: 0 });
  };

  /** Refuses a signal, message or cancel after its claim: the instance is released, then the refusal thrown. */
  const refuse = async (id: number, refusal: AppError): Promise<never> => {
    await release(id);
    throw refusal;
  };

  /** Runs a correlated message into an instance, checked again once its lease is held: it may have moved on. */
  const deliver = (id: number, definitionName: string, message: CorrelatedMessage, described: string) =>
    exclusive(id, async () => {
      const instance = await claim(id);
      const target = instance.waiting.find(
        (task) =>
          task.messageName === message.messageName &&
          task.correlationKey === message.correlationKey &&
          (message.correlationKeyType === undefined || task.correlationKeyType !== otherType(message.correlationKeyType)),
      );
      if (instance.status !== 'WAITING' || !target?.messageId) {
        return refuse(id, notFound('Correlation failed', [`No instance of "${definitionName}" waits for ${described}`]));
      }
      const definition = await requireDefinition(instance.definitionId);
      await keepTraceContext(id);
      const outcome = await runInstance(runDeps, instance, definition, {
        kind: 'message',
        activityId: target.id,
        message: { id: target.messageId, name: message.messageName },
        variables: message.variables,
        ...(message.eventId !== undefined && { eventId: message.eventId }),
      });
      return { instance, outcome };
    }).then(async ({ instance, outcome }) => {
      await followUp(instance, outcome);
      return requireInstance(id);
    });

  const pollOnce = async () => {
    const due = await claimDueProcessInstances(options.db, { ...lease, limit: 20 });
    for (const instance of due) {
      const definition = await findProcessDefinitionById(options.db, instance.definitionId);
      if (definition)
        void inProcessAdvanceSpan(options.tracing, instance, () => advance(instance, definition, { kind: 'resume' }));
    }
  };

  return {
    /** Stores a new instance and runs it: Supervised waits (bounded) for it to complete, fail or wait. */
    async start(
      definitionId: number,
      variables: Record<string, unknown>,
      mode: ExecutionMode,
      origin: StartOrigin = {},
    ): Promise<ProcessInstance> {
      const { eventId, startMessage } = origin;
      const definition = await requireDefinition(definitionId);
      // A webhook attempt retried after its instance was stored finds that instance (the poller
      // resumes it if its run was lost) instead of starting a second one.
      const existing = eventId === undefined ? undefined : await findProcessInstanceByEventId(options.db, eventId);
      if (existing) return existing;
      if (variablesExceed(variables, options.settings.maxVariablesBytes)) {
        throw invalidArgument('Validation failed', [`Variables must be at most ${options.settings.maxVariablesBytes} bytes`]);
      }
      // Its later advances by the poller (timers) link to the traced work starting it.
      const traceContext = activeTraceHeaders();
      const instance = await insertProcessInstance(options.db, {
        definitionId,
        variables,
        now: options.clock(),
        ...lease,
        ...(eventId !== undefined && { eventId }),
        ...(startMessage !== undefined && { startMessage }),
        ...(traceContext && { traceContext }),
      });
      const run = advance(instance, definition, { kind: 'start' });
      if (mode === 'Supervised') await withTimeout(run, options.settings.supervisedTimeoutMs);
      return (await findProcessInstanceById(options.db, instance.id)) ?? instance;
    },

    /** Completes a waiting task (the only one when `taskId` is empty), with variables merged first. */
    async signal(id: number, taskId: string, variables: Record<string, unknown>): Promise<ProcessInstance> {
      const { instance, outcome } = await exclusive(id, async () => {
        const instance = await claim(id);
        if (instance.status !== 'WAITING') {
          return refuse(id, failedPrecondition('Signal failed', [`Process instance is ${instance.status}, not WAITING`]));
        }
        const candidates = instance.waiting.filter((task) =>
          taskId ? task.id === taskId : !task.type.includes('Timer') && task.calledElement === undefined,
        );
        const target = taskId ? candidates[0] : candidates.length === 1 ? candidates[0] : undefined;
        if (!target) {
          const names = instance.waiting.map((task) => task.id).join(', ');
          return refuse(
            id,
            invalidArgument('Signal failed', [
              taskId ? `Task "${taskId}" is not waiting (waiting: ${names})` : `Name the task to signal (waiting: ${names})`,
            ]),
          );
        }
        if (target.childInstanceId !== undefined) {
          return refuse(
            id,
            failedPrecondition('Signal failed', [
              `Task "${target.id}" waits for its called process instance ${target.childInstanceId}`,
            ]),
          );
        }
        const definition = await requireDefinition(instance.definitionId);
        // A receive task or message event takes its message; bpmn-engine ignores its element id.
        const signalId = target.messageId ?? target.id;
        await keepTraceContext(id);
        return { instance, outcome: await runInstance(runDeps, instance, definition, { kind: 'signal', signalId, variables }) };
      });
      await followUp(instance, outcome);
      return requireInstance(id);
    },

    /**
     * Delivers a message to the one waiting instance of the definition (any version of its name)
     * whose receive task or message catch event waits for `messageName` with `correlationKey`;
     * without one, starts an instance when the definition has a message start event for it. A
     * webhook event is delivered once: a retried attempt finds the instance it reached or started.
     */
    async correlate(message: CorrelatedMessage): Promise<ProcessInstance> {
      const definition = await requireDefinition(message.definitionId);
      if (message.eventId !== undefined) {
        const deliveredTo = await findMessageDelivery(options.db, message.eventId);
        const reached = deliveredTo === undefined ? undefined : await findProcessInstanceById(options.db, deliveredTo);
        const started = reached ?? (await findProcessInstanceByEventId(options.db, message.eventId));
        if (started) return started;
      }
      const described = `message "${message.messageName}" with correlation key "${message.correlationKey}"`;
      const matches = await findInstancesWaitingForMessage(options.db, {
        definitionName: definition.name,
        messageName: message.messageName,
        correlationKey: message.correlationKey,
        ...(message.correlationKeyType && { excludedKeyType: otherType(message.correlationKeyType) }),
        limit: 5,
      });
      if (matches.length > 1) {
        const ids = matches.map((instance) => instance.id).join(', ');
        throw failedPrecondition('Correlation failed', [
          `Several instances of "${definition.name}" wait for ${described} (${ids}${matches.length === 5 ? ', ...' : ''})`,
        ]);
      }
      const [match] = matches;
      if (match) return deliver(match.id, definition.name, message, described);
      const startMessage = findStartMessage(await definitions.sourceContextOf(definition), message.messageName);
      if (!startMessage) {
        throw notFound('Correlation failed', [`No instance of "${definition.name}" waits for ${described}`]);
      }
      return this.start(definition.id, message.variables, 'Supervised', {
        ...(message.eventId !== undefined && { eventId: message.eventId }),
        startMessage: startMessage.id,
      });
    },

    /**
     * Ends an instance that has not finished, as CANCELLED with the reason, with the instances its
     * call activities started; a called instance's parent takes the cancellation as its failure.
     */
    async cancel(id: number, reason: string): Promise<ProcessInstance> {
      const cancelled = await exclusive(id, async () => {
        const instance = await claim(id);
        if (isFinished(instance.status)) {
          return refuse(id, failedPrecondition('Cancellation failed', [`Process instance is already ${instance.status}`]));
        }
        const change = {
          ...instance,
          status: 'CANCELLED' as const,
          variables: { ...instance.variables },
          engineState: null,
          waiting: [],
          errors: reason ? [reason] : [],
          timerDueAt: null,
          completedAt: options.clock(),
        };
        const now = options.clock();
        await options.db.transaction(async (tx) => {
          if (!(await saveProcessInstance(tx, id, change, { owner: options.owner, now, release: true }))) {
            throw new Error('Process instance lease was lost');
          }
          const called = instance.waiting.flatMap((task) => (task.childInstanceId === undefined ? [] : [task.childInstanceId]));
          await cancelCalledInstances(tx, called, now, `Parent instance ${id} was cancelled`);
        });
        return instance;
      });
      await followUp(cancelled, { status: 'CANCELLED', children: [] });
      return requireInstance(id);
    },

    /** Resumes due timers and runs abandoned by a process that died, now and every `pollMs`. */
    startPolling() {
      const tick = () => {
        polling = pollOnce()
          .catch((error: unknown) => options.log.warn({ err: error }, 'process poll failed'))
          .finally(() => {
            if (!closed) poller = setTimeout(tick, options.settings.pollMs);
          });
      };
      tick();
    },

    /** Stops polling and waits a bounded time for runs in flight; an unfinished one keeps its stored state and is taken over once its lease ends. */
    async dispose(graceMs = 5_000) {
      closed = true;
      clearTimeout(poller);
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([polling, ...active.values()]), grace]);
      clearTimeout(timer);
    },
  };
}

/** Why an advance ran, for its span: a due timer, a called instance handed back, a run taken over, or a start. */
function advanceReason(instance: ProcessInstance, step: Advance): string {
  if (step.kind === 'callReturned') return 'call_returned';
  if (step.kind !== 'resume') return step.kind;
  return instance.status === 'RUNNING' ? 'recovered' : 'timer';
}

function otherType(type: CorrelationKeyType): CorrelationKeyType {
  return type === 'string' ? 'number' : 'string';
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
