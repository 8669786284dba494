import { ExecutionType } from '../../domain/webhook-config.js';
import { createNativeExecutor } from '../native/native-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';
import { runnableCommandProblems } from './runnable-command-problems.js';

/** Type 0: one registered command. */
export const nativeCommandType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteNativeCommand,
  targetField: 'commandName',
  fieldLabel: 'Command name',
  optionFields: [],
  targetProblems: async (draft, context) => runnableCommandProblems(draft.commandName ?? '', context),
  createExecutor: (deps) => createNativeExecutor(deps.bus),
};
