import type { IScripts } from 'bpmn-elements';
import type { JsonValue } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import type { ProcessSettings } from '../../config/config.js';
import type { ProcessDefinition } from '../../domain/process-definition.js';
import { isFinished, type ProcessInstance } from '../../domain/process-instance.js';
import { failedPrecondition, invalidArgument, notFound } from '../../errors.js';
import type { Db } from '../../store/open-database.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import {
  claimDueProcessInstances,
  claimProcessInstance,
  findProcessInstanceByEventId,
  findProcessInstanceById,
  insertProcessInstance,
  saveProcessInstance,
} from '../../store/process-instances.js';
import type { ScriptCommandReply, ScriptSandbox } from '../script/script-sandbox.js';
import { createCommandServiceTasks } from './command-service-tasks.js';
import { createDefinitionCache } from './definition-cache.js';
import { createProcessScripts } from './process-scripts.js';
import { runInstance, type Advance } from './run-instance.js';

export type ExecutionMode = 'Supervised' | 'FireAndForget';

export interface ProcessRuntimeOptions {
  readonly db: Db;
  readonly clock: () => Date;
  readonly log: Logger;
  /** Identifies this service process in instance leases. */
  readonly owner: string;
  readonly sandbox: ScriptSandbox;
  readonly scriptTimeoutMs: number;
  readonly settings: ProcessSettings;
  /** Runs a command for a script's `doCmd`, with the rights of the webhook or caller that started the instance. */
  runCommand(name: string, data: JsonValue): Promise<ScriptCommandReply>;
}

/** Starts, signals, cancels and resumes process instances; one advance per instance at a time. */
export function createProcessRuntime(options: ProcessRuntimeOptions) {
  const definitions = createDefinitionCache();
  const active = new Map<number, Promise<unknown>>();
  let poller: NodeJS.Timeout | undefined;
  let polling: Promise<void> = Promise.resolve();
  let closed = false;
  const runDeps = {
    db: options.db,
    clock: options.clock,
    owner: options.owner,
    maxSteps: options.settings.maxSteps,
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

  const advance = (instance: ProcessInstance, definition: ProcessDefinition, step: Advance) =>
    exclusive(instance.id, () => runInstance(runDeps, instance, definition, step)).catch((error: unknown) => {
      options.log.error({ err: error, instanceId: instance.id }, 'process instance run failed');
    });

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

  const pollOnce = async () => {
    const due = await claimDueProcessInstances(options.db, { ...lease, limit: 20 });
    for (const instance of due) {
      const definition = await findProcessDefinitionById(options.db, instance.definitionId);
      if (definition) void advance(instance, definition, { kind: 'resume' });
    }
  };

  return {
    /** Stores a new instance and runs it: Supervised waits (bounded) for it to complete, fail or wait. */
    async start(
      definitionId: number,
      variables: Record<string, unknown>,
      mode: ExecutionMode,
      eventId?: number,
    ): Promise<ProcessInstance> {
      const definition = await requireDefinition(definitionId);
      // A webhook attempt retried after its instance was stored finds that instance (the poller
      // resumes it if its run was lost) instead of starting a second one.
      const existing = eventId === undefined ? undefined : await findProcessInstanceByEventId(options.db, eventId);
      if (existing) return existing;
      if (Buffer.byteLength(JSON.stringify(variables)) > options.settings.maxVariablesBytes) {
        throw invalidArgument('Validation failed', [`Variables must be at most ${options.settings.maxVariablesBytes} bytes`]);
      }
      const instance = await insertProcessInstance(options.db, {
        definitionId,
        variables,
        now: options.clock(),
        ...lease,
        ...(eventId !== undefined && { eventId }),
      });
      const run = advance(instance, definition, { kind: 'start' });
      if (mode === 'Supervised') await withTimeout(run, options.settings.supervisedTimeoutMs);
      return (await findProcessInstanceById(options.db, instance.id)) ?? instance;
    },

    /** Completes a waiting task (the only one when `taskId` is empty), with variables merged first. */
    async signal(id: number, taskId: string, variables: Record<string, unknown>): Promise<ProcessInstance> {
      return exclusive(id, async () => {
        const instance = await claim(id);
        const release = () => claimProcessInstance(options.db, id, { ...lease, leaseMs: 0 });
        if (instance.status !== 'WAITING') {
          await release();
          throw failedPrecondition('Signal failed', [`Process instance is ${instance.status}, not WAITING`]);
        }
        const candidates = instance.waiting.filter((task) => (taskId ? task.id === taskId : !task.type.includes('Timer')));
        const target = taskId ? candidates[0] : candidates.length === 1 ? candidates[0] : undefined;
        if (!target) {
          await release();
          const names = instance.waiting.map((task) => task.id).join(', ');
          throw invalidArgument('Signal failed', [
            taskId ? `Task "${taskId}" is not waiting (waiting: ${names})` : `Name the task to signal (waiting: ${names})`,
          ]);
        }
        const definition = await requireDefinition(instance.definitionId);
        await runInstance(runDeps, instance, definition, { kind: 'signal', taskId: target.id, variables });
        return requireInstance(id);
      });
    },

    /** Ends an instance that has not finished, as CANCELLED with the reason. */
    async cancel(id: number, reason: string): Promise<ProcessInstance> {
      return exclusive(id, async () => {
        const instance = await claim(id);
        if (isFinished(instance.status)) {
          await claimProcessInstance(options.db, id, { ...lease, leaseMs: 0 });
          throw failedPrecondition('Cancellation failed', [`Process instance is already ${instance.status}`]);
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
        await saveProcessInstance(options.db, id, change, { owner: options.owner, now: options.clock(), release: true });
        return requireInstance(id);
      });
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

export type ProcessRuntime = ReturnType<typeof createProcessRuntime>;

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
