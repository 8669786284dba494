import { ExecutionType } from '../../domain/webhook-config.js';
import { createChainExecutor } from '../chain/chain-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';
import { runnableCommandProblems } from './runnable-command-problems.js';

/** Type 1: registered commands in order. */
export const commandChainType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteCommandChain,
  targetField: 'commandChain',
  fieldLabel: 'Command chain',
  optionFields: [],
  targetProblems: async (draft, context) =>
    (draft.commandChain ?? []).flatMap((step, index) => {
      const problems = runnableCommandProblems(step.commandName, context);
      if (problems.length > 0) return problems;
      // A command may refuse parameters it can never run with (e.g. a forward that sets framing headers).
      const parameterProblems = context.commands.find(step.commandName)?.parameterProblems?.(step.parameters) ?? [];
      return parameterProblems.map((problem) => `Step ${index + 1} (${step.commandName}): ${problem}`);
    }),
  createExecutor: (deps) => createChainExecutor(deps.bus),
};
