import { ExecutionType } from '../../domain/webhook-config.js';
import { createChainExecutor } from '../chain/chain-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';
import { runnableCommandProblems } from './runnable-command-problems.js';

/** Type 1: registered commands in order. */
export const commandChainType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteCommandChain,
  targetField: 'commandChain',
  fieldLabel: 'Command chain',
  targetProblems: async (draft, context) =>
    (draft.commandChain ?? []).flatMap((step) => runnableCommandProblems(step.commandName, context.commands)),
  createExecutor: (deps) => createChainExecutor(deps.bus),
};
