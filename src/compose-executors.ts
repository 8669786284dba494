import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { builtInCommands, createConfiguredCommands } from './commands/catalog.js';
import type { CommandDefinition } from './commands/command.js';
import type { SendToSelf } from './commands/webhook-configs/send-to-self.js';
import { permissions } from './domain/permissions.js';
import { createCommandBus, type CommandBus } from './commands/command-bus.js';
import { createWebhookCommandPort } from './commands/webhook-command-port.js';
import { audit } from './commands/interceptors/audit.js';
import { authorize } from './commands/interceptors/authorize.js';
import { logOutcome } from './commands/interceptors/log-outcome.js';
import { refreshRoutesAfterWrites } from './commands/interceptors/refresh-routes.js';
import { defaultDeliverySettings, defaultProcessSettings, type Config } from './config/config.js';
import type { CommandPort, RunCommand } from './executors/command-port.js';
import type { ExecutorCatalog } from './executors/executor.js';
import { createExecutorCatalog } from './executors/executor-catalog.js';
import { disposeExecutors } from './executors/execution-service.js';
import { createProcessRuntime } from './processes/create-process-runtime.js';
import type { ProcessRuntime } from './processes/process-runtime.js';
import { traceProcessRuntime } from './processes/trace-process-runtime.js';
import { toScriptReply } from './executors/script/script-executor.js';
import { createScriptSandbox } from './executors/script/script-sandbox.js';
import type { ScriptHostEvent } from './executors/script/script-host-pool.js';
import type { Tracing } from './tracing/tracing.js';

export interface ExecutorsOptions {
  readonly config: Pick<Config, 'executors'> & Partial<Pick<Config, 'delivery' | 'processes'>>;
  /** An open, migrated database. */
  readonly db: Knex;
  readonly log: Logger;
  readonly clock?: () => Date;
  /** Identifies this process as the owner of the process instances it advances. */
  readonly workerId: string;
  /** Commands beyond the built-in ones (COMMAND_MODULES, tests). */
  readonly extraCommands?: readonly CommandDefinition[];
  /** Called once a write to the configurations has committed (the service refreshes its routes). */
  readonly onConfigWrite?: () => void;
  /** Script host starts, deaths and backoffs. */
  readonly onHostEvent?: (event: ScriptHostEvent) => void;
  /** The process's tracer, for the spans of instances the poller advances; absent when tracing is off. */
  readonly tracing?: Tracing | undefined;
  /** This process's own webhook ingress, for the test sender (SendTestWebhookCommand); absent in the executor process. */
  readonly sendToSelf?: SendToSelf;
}

/** The command bus and everything webhook executions run on: the script sandbox, the process runtime and one executor per type. */
export interface Executors {
  readonly bus: CommandBus;
  readonly processes: ProcessRuntime;
  readonly executors: ExecutorCatalog;
  /** Stops the process runtime, then disposes the executors (script hosts, engines). */
  close(): Promise<void>;
}

/**
 * Wires the commands and the executors: used by the service (composeService) and by an executor
 * process of its own (executor-main.ts), so both run webhooks the same way.
 */
export function composeExecutors(options: ExecutorsOptions): Executors {
  const clock = options.clock ?? (() => new Date());
  const { executors: executorsConfig } = options.config;
  const sandbox = createScriptSandbox(executorsConfig.script, {
    ...(options.clock && { clock: options.clock }),
    ...(options.onHostEvent && { onHostEvent: options.onHostEvent }),
  });
  // The process runtime runs commands and commands drive the runtime: the runtime is given this
  // port now, and it is connected to the bus as soon as the bus exists, before anything runs.
  let commands: CommandPort | undefined;
  const runCommand: RunCommand = (name, input, caller) => {
    if (!commands) throw new Error('A process ran a command before the command bus was built');
    return commands.run(name, input, caller);
  };
  const runtime = createProcessRuntime({
    db: options.db,
    clock,
    log: options.log,
    owner: options.workerId,
    sandbox,
    scriptTimeoutMs: executorsConfig.script.timeoutMs,
    settings: options.config.processes ?? defaultProcessSettings,
    tracing: options.tracing,
    // Service tasks and scripts in processes run commands as a webhook does, with every permission a
    // webhook command can need: their definitions are deployed with processes:write, and a
    // configuration needs processes:write to start them (see docs/executors.md, Authority).
    runCommand: async (name, data) =>
      toScriptReply(
        await runCommand(name, data, {
          key: 'process',
          requestId: `process-${randomBytes(4).toString('hex')}`,
          permissions,
        }),
      ),
  });
  const processes = traceProcessRuntime(runtime);
  const onConfigWrite = options.onConfigWrite ?? (() => {});
  const bus: CommandBus = createCommandBus({
    commands: [
      ...Object.values(builtInCommands),
      ...Object.values(
        createConfiguredCommands({
          forward: { allowedHosts: executorsConfig.forwardAllowedHosts, timeoutMs: executorsConfig.forwardTimeoutMs },
          replay: { defaultMaxAttempts: (options.config.delivery ?? defaultDeliverySettings).defaultMaxAttempts },
          processes,
          sendToSelf: options.sendToSelf,
          dryRun: {
            sandbox,
            scriptTimeoutMs: executorsConfig.script.timeoutMs,
            maxSteps: (options.config.processes ?? defaultProcessSettings).maxSteps,
            engineSliceMs: (options.config.processes ?? defaultProcessSettings).engineSliceMs,
          },
        }),
      ),
      ...(options.extraCommands ?? []),
    ],
    // Outermost first: failures are logged and normalised; only authorised calls reach the audit,
    // which records the writes that succeed in their transaction; once that has committed, the
    // route table is refreshed.
    interceptors: [logOutcome, authorize, refreshRoutesAfterWrites(onConfigWrite), audit],
    db: options.db,
    clock,
    log: options.log,
  });
  commands = createWebhookCommandPort(bus);
  const executors = createExecutorCatalog({ commands, script: executorsConfig.script, sandbox, processes });
  return {
    bus,
    processes,
    executors,
    async close() {
      await processes.dispose();
      await disposeExecutors(executors);
    },
  };
}
