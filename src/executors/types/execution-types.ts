import type { ExecutionTargetCase } from '../../domain/execution-target.js';
import { commandChainType } from './command-chain-type.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';
import { executeCodeType } from './execute-code-type.js';
import { nativeCommandType } from './native-command-type.js';
import { startProcessType } from './start-process-type.js';

/** The one catalog of execution types, by the target's kind: adding a kind is adding its descriptor here. */
export const executionTypes = {
  native: nativeCommandType,
  chain: commandChainType,
  script: executeCodeType,
  process: startProcessType,
} as const satisfies { readonly [C in ExecutionTargetCase]: ExecutionTypeDescriptor<C> };
