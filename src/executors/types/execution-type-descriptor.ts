import type { ScriptLimits } from '../../config/config.js';
import type { Permission } from '../../domain/permissions.js';
import type { ExecutionType } from '../../domain/webhook-config.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';
import type { CommandPort } from '../command-port.js';
import type { Executor } from '../executor.js';
import type { ScriptSandbox } from '../script/script-sandbox.js';

/** The configuration field that names a type's work; each type owns exactly one. */
export type TargetField = 'commandName' | 'commandChain' | 'executionCode' | 'processDefinitionId';

/** Optional settings that only one type reads; refused on the others, cleared when the type changes. */
export type OptionField = 'processAction' | 'messageName' | 'correlationKey';

/** Option fields as validation messages name them. */
export const optionFieldLabels: Record<OptionField, string> = {
  processAction: 'Process action',
  messageName: 'Message name',
  correlationKey: 'Correlation key',
};

/** What every executor factory is given: one way to the commands, one sandbox, one process runtime for all types. */
export interface ExecutorDeps {
  readonly commands: CommandPort;
  readonly sandbox: ScriptSandbox;
  readonly script: ScriptLimits;
  readonly processes: ProcessRuntime;
}

/**
 * Everything the executors know about one execution type: its documented number, the field that
 * names its work and how its executor is made. How a configuration of the type is validated is the
 * commands' part (commands/webhook-configs/target-problems.ts).
 */
export interface ExecutionTypeDescriptor {
  readonly code: ExecutionType;
  readonly targetField: TargetField;
  /** The field as validation messages name it ("Command name"). */
  readonly fieldLabel: string;
  /** The option fields only this type reads. */
  readonly optionFields: readonly OptionField[];
  /** The permission the type's own work needs beyond its commands' (StartProcess: processes:write), at save and at run. */
  readonly runPermission?: Permission;
  createExecutor(deps: ExecutorDeps): Executor;
}
