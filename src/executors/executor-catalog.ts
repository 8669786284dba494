import type { ExecutorCatalog } from './executor.js';
import type { ExecutorDeps } from './types/execution-type-descriptor.js';
import { executionTypes } from './types/execution-types.js';

/** The executor of each kind of target, made by its descriptor; scripts and processes share one sandbox. */
export function createExecutorCatalog(deps: ExecutorDeps): ExecutorCatalog {
  return {
    native: executionTypes.native.createExecutor(deps),
    chain: executionTypes.chain.createExecutor(deps),
    script: executionTypes.script.createExecutor(deps),
    process: executionTypes.process.createExecutor(deps),
  };
}
