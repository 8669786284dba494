import type { CommandBus } from '../commands/command-bus.js';
import type { ScriptLimits } from '../config/config.js';
import type { ExecutionTypeName } from '../domain/webhook-config.js';
import type { ExecutorCatalog } from './executor.js';
import type { ProcessRuntime } from '../processes/process-runtime.js';
import type { ScriptSandbox } from './script/script-sandbox.js';
import type { ExecutorDeps } from './types/execution-type-descriptor.js';
import { executionTypes } from './types/execution-types.js';
import type { Knex } from 'knex';

/** The executor of each execution type, made by its descriptor; scripts and processes share one sandbox. */
export function createExecutorCatalog(
  bus: CommandBus,
  options: { script: ScriptLimits; db: Knex; sandbox: ScriptSandbox; processes: ProcessRuntime; clock?: () => Date },
): ExecutorCatalog {
  const clock = options.clock ?? (() => new Date());
  const deps: ExecutorDeps = {
    bus,
    db: options.db,
    clock,
    script: options.script,
    sandbox: options.sandbox,
    processes: options.processes,
  };
  const names = Object.keys(executionTypes) as ExecutionTypeName[];
  return Object.fromEntries(names.map((name) => [name, executionTypes[name].createExecutor(deps)])) as ExecutorCatalog;
}
