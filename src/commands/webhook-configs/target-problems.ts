import type { Knex } from 'knex';
import type { ExecutionTypeName } from '../../domain/webhook-config.js';
import { checkScript } from '../../executors/script/check-script.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import type { CommandCatalog } from '../command.js';
import { processActionProblems } from './process-action-problems.js';
import { lacksPermission, runnableCommandProblems } from './runnable-command-problems.js';
import type { WebhookConfigDraft } from './webhook-config-draft.js';

/** What a type's validation may consult besides the draft. */
export interface TargetValidationContext {
  readonly db: Knex;
  readonly commands: CommandCatalog;
  /** The saving token's permissions: what the configuration's commands will run with. */
  readonly authority: ReadonlySet<string>;
}

/** One sentence per problem with a type's target field (known to be present) and its options. */
export type TargetProblems = (draft: WebhookConfigDraft, context: TargetValidationContext) => Promise<string[]>;

const maxCodeLength = 64 * 1024;

/** How each execution type's work is checked when a configuration is saved: a missing type does not compile. */
export const targetProblems = {
  ExecuteNativeCommand: async (draft, context) => runnableCommandProblems(draft.commandName ?? '', context),
  ExecuteCommandChain: async (draft, context) =>
    (draft.commandChain ?? []).flatMap((step, index) => {
      const problems = runnableCommandProblems(step.commandName, context);
      if (problems.length > 0) return problems;
      // A command may refuse parameters it can never run with (e.g. a forward that sets framing headers).
      const parameterProblems = context.commands.find(step.commandName)?.parameterProblems?.(step.parameters) ?? [];
      return parameterProblems.map((problem) => `Step ${index + 1} (${step.commandName}): ${problem}`);
    }),
  async ExecuteCode(draft) {
    const code = draft.executionCode ?? '';
    if (code.length > maxCodeLength) return [`Execution code must be at most ${maxCodeLength} characters`];
    // The sandbox's own checker and compile, without running: what would fail every call fails now.
    const checked = checkScript(code);
    return checked.ok ? [] : [`Execution code does not compile: ${checked.problem}`];
  },
  async StartProcess(draft, context) {
    const id = draft.processDefinitionId ?? 0;
    const exists = Number.isSafeInteger(id) && id > 0 && (await findProcessDefinitionById(context.db, id));
    const authority = context.authority.has('processes:write')
      ? []
      : [lacksPermission('A StartProcess configuration', 'processes:write')];
    return [...(exists ? [] : [`Process definition ${id} does not exist`]), ...authority, ...processActionProblems(draft)];
  },
} as const satisfies Record<ExecutionTypeName, TargetProblems>;
