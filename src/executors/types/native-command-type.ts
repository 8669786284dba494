import { ExecutionType } from '../../domain/webhook-config.js';
import { createNativeExecutor } from '../native/native-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 0: one registered command. */
export const nativeCommandType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteNativeCommand,
  targetField: 'commandName',
  fieldLabel: 'Command name',
  optionFields: [],
  createExecutor: (deps) => createNativeExecutor(deps.commands.run),
};
