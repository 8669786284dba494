import type { ScriptLimits } from '../../config/config.js';
import type { ExecutionTargetCase } from '../../domain/execution-target.js';
import type { Permission } from '../../domain/permissions.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';
import type { CommandPort } from '../command-port.js';
import type { Executor } from '../executor.js';
import type { ScriptSandbox } from '../script/script-sandbox.js';

/** What every executor factory is given: one way to the commands, one sandbox, one process runtime for all types. */
export interface ExecutorDeps {
  readonly commands: CommandPort;
  readonly sandbox: ScriptSandbox;
  readonly script: ScriptLimits;
  readonly processes: ProcessRuntime;
}

/**
 * Everything the executors know about one kind of target: what its own work needs beyond its
 * commands' permissions, and how its executor is made. How a configuration of the kind is validated
 * is the commands' part (commands/webhook-configs/target-problems.ts); its number and name are the
 * domain's (domain/execution-target.ts).
 */
export interface ExecutionTypeDescriptor<C extends ExecutionTargetCase> {
  /** The permission the type's own work needs beyond its commands' (StartProcess: processes:write), at save and at run. */
  readonly runPermission?: Permission;
  createExecutor(deps: ExecutorDeps): Executor<C>;
}
