import type { IScripts } from 'bpmn-elements';
import type { JsonValue } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import type { ProcessSettings } from '../config/config.js';
import type { ScriptCommandReply, ScriptSandbox } from '../executors/script/script-sandbox.js';
import type { Db } from '../store/open-database.js';
import type { Tracing } from '../tracing/tracing.js';
import { cancelInstance } from './cancel-instance.js';
import { createCommandServiceTasks } from './command-service-tasks.js';
import { correlateMessage } from './correlate-message.js';
import { createDefinitionCache } from './definition-cache.js';
import { createInstanceAdvancer } from './instance-advancer.js';
import { createInstanceLeases } from './instance-leases.js';
import { createInstanceQueue } from './instance-queue.js';
import { createProcessPoller } from './process-poller.js';
import type { ProcessRuntime } from './process-runtime.js';
import { createProcessScripts } from './process-scripts.js';
import type { RunDeps } from './run-types.js';
import type { RuntimeParts } from './runtime-parts.js';
import { signalInstance } from './signal-instance.js';
import { startInstance } from './start-instance.js';

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

/**
 * Starts, signals, cancels and resumes process instances; one advance per instance at a time. Its
 * parts: a queue per instance (instance-queue.ts), the leases a call takes and gives back
 * (instance-leases.ts), the advancer that runs an instance and what follows it (children, parents),
 * the poller, and one file per call (start, signal, correlate, cancel).
 */
export function createProcessRuntime(options: ProcessRuntimeOptions): ProcessRuntime {
  const { db, settings } = options;
  const lease = { owner: options.owner, leaseMs: settings.leaseMs };
  const definitions = createDefinitionCache({ minTimerCycleMs: settings.minTimerCycleMs });
  const runDeps = runDepsOf(options, definitions);
  const queue = createInstanceQueue();
  const leases = createInstanceLeases(db, lease);
  const advancer = createInstanceAdvancer({ db, log: options.log, runDeps, queue, leases });
  const parts: RuntimeParts = { db, clock: options.clock, settings, lease, runDeps, definitions, queue, leases, advancer };
  const poller = createProcessPoller({
    db,
    log: options.log,
    lease,
    pollMs: settings.pollMs,
    tracing: options.tracing,
    advancer,
  });

  return {
    start: (definitionId, variables, mode, origin) => startInstance(parts, definitionId, variables, mode, origin),
    signal: (id, taskId, variables) => signalInstance(parts, id, taskId, variables),
    correlate: (message) => correlateMessage(parts, message),
    cancel: (id, reason) => cancelInstance(parts, id, reason),
    startPolling: () => poller.start(),

    /** Stops polling and waits a bounded time for runs in flight; an unfinished one keeps its stored state and is taken over once its lease ends. */
    async dispose(graceMs = 5_000) {
      const polling = poller.stop();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all([polling, ...queue.inFlight()]), grace]);
      clearTimeout(timer);
    },
  };
}

/** What every run of an instance needs: the store, the limits, the definitions, the sandbox and the service tasks. */
function runDepsOf(options: ProcessRuntimeOptions, definitions: RunDeps['definitions']): RunDeps {
  const { settings } = options;
  return {
    db: options.db,
    clock: options.clock,
    owner: options.owner,
    leaseMs: settings.leaseMs,
    maxSteps: settings.maxSteps,
    maxAdvanceSteps: settings.maxAdvanceSteps,
    engineSliceMs: settings.engineSliceMs,
    maxVariablesBytes: settings.maxVariablesBytes,
    definitions,
    extensions: createCommandServiceTasks(options.runCommand),
    createScripts: () =>
      createProcessScripts({
        sandbox: options.sandbox,
        timeoutMs: options.scriptTimeoutMs,
        runCommand: options.runCommand,
      }) as unknown as IScripts,
  };
}
