import { ExecutionType } from '../../domain/webhook-config.js';
import { createChainExecutor } from '../chain/chain-executor.js';
import type { ExecutionTypeDescriptor } from './execution-type-descriptor.js';

/** Type 1: registered commands in order. */
export const commandChainType: ExecutionTypeDescriptor = {
  code: ExecutionType.ExecuteCommandChain,
  targetField: 'commandChain',
  fieldLabel: 'Command chain',
  optionFields: [],
  createExecutor: (deps) => createChainExecutor(deps.commands),
};
