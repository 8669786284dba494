import type { Knex } from 'knex';
import { type ExecutionTarget, type TargetOf, unknownTarget } from '../../domain/execution-target.js';
import { checkScript } from '../../executors/script/check-script.js';
import { findProcessDefinitionById } from '../../store/process-definitions.js';
import type { CommandCatalog } from '../command.js';
import { processActionProblems } from './process-action-problems.js';
import { lacksPermission, runnableCommandProblems } from './runnable-command-problems.js';

/** What a type's validation may consult besides the target. */
export interface TargetValidationContext {
  readonly db: Knex;
  readonly commands: CommandCatalog;
  /** The saving token's permissions: what the configuration's commands will run with. */
  readonly authority: ReadonlySet<string>;
}

const maxCodeLength = 64 * 1024;

/** One sentence per problem with a target's work, checked by its own kind when a configuration is saved. */
export async function targetProblems(target: ExecutionTarget, context: TargetValidationContext): Promise<string[]> {
  switch (target.case) {
    case 'native':
      return runnableCommandProblems(target.commandName, context);
    case 'chain':
      return chainProblems(target, context);
    case 'script':
      return scriptProblems(target);
    case 'process':
      return processProblems(target, context);
    default:
      return unknownTarget(target);
  }
}

function chainProblems(target: TargetOf<'chain'>, context: TargetValidationContext): string[] {
  return target.steps.flatMap((step, index) => {
    const problems = runnableCommandProblems(step.commandName, context);
    if (problems.length > 0) return problems;
    // A command may refuse parameters it can never run with (e.g. a forward that sets framing headers).
    const parameterProblems = context.commands.find(step.commandName)?.parameterProblems?.(step.parameters) ?? [];
    return parameterProblems.map((problem) => `Step ${index + 1} (${step.commandName}): ${problem}`);
  });
}

function scriptProblems(target: TargetOf<'script'>): string[] {
  if (target.code.length > maxCodeLength) return [`Execution code must be at most ${maxCodeLength} characters`];
  // The sandbox's own checker and compile, without running: what would fail every call fails now.
  const checked = checkScript(target.code);
  return checked.ok ? [] : [`Execution code does not compile: ${checked.problem}`];
}

async function processProblems(target: TargetOf<'process'>, context: TargetValidationContext): Promise<string[]> {
  const id = target.definitionId;
  const exists = Number.isSafeInteger(id) && id > 0 && (await findProcessDefinitionById(context.db, id));
  const authority = context.authority.has('processes:write')
    ? []
    : [lacksPermission('A StartProcess configuration', 'processes:write')];
  return [...(exists ? [] : [`Process definition ${id} does not exist`]), ...authority, ...processActionProblems(target)];
}
