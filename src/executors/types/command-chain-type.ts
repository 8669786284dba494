import { createChainExecutor } from '../chain/chain-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 1: registered commands in order. */
export const commandChainType: ExecutionTypeDescriptor<'chain'> = {
  createExecutor: (deps) => createChainExecutor(deps.commands),
};
