import type { Knex } from 'knex';
import type { CommandBus } from '../../commands/command-bus.js';
import type { CommandCatalog, Permission } from '../../commands/command.js';
import type { WebhookConfigDraft } from '../../commands/webhook-configs/webhook-config-draft.js';
import type { ScriptLimits } from '../../config/config.js';
import type { ExecutionType } from '../../domain/webhook-config.js';
import type { Executor } from '../executor.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';
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

/** What a type's validation may consult besides the draft. */
export interface TargetValidationContext {
  readonly db: Knex;
  readonly commands: CommandCatalog;
  /** The saving token's permissions: what the configuration's commands will run with. */
  readonly authority: ReadonlySet<string>;
}

/** What every executor factory is given: one bus, one sandbox, one clock for all types. */
export interface ExecutorDeps {
  readonly bus: CommandBus;
  readonly sandbox: ScriptSandbox;
  readonly script: ScriptLimits;
  readonly db: Knex;
  readonly clock: () => Date;
  readonly processes: ProcessRuntime;
}

/**
 * Everything the service knows about one execution type: its documented number, the field that
 * names its work, how that field is validated and how its executor is made.
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
  /** One sentence per problem with the target field (known to be present) and the type's options. */
  targetProblems(draft: WebhookConfigDraft, context: TargetValidationContext): Promise<string[]>;
  createExecutor(deps: ExecutorDeps): Executor;
}
