import { createNativeExecutor } from '../native/native-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 0: one registered command. */
export const nativeCommandType: ExecutionTypeDescriptor<'native'> = {
  createExecutor: (deps) => createNativeExecutor(deps.commands.run),
};
