import type { ExecutionTypeName } from '../domain/webhook-config.js';
import type { ExecutorCatalog } from './executor.js';
import type { ExecutorDeps } from './types/execution-type-descriptor.js';
import { executionTypes } from './types/execution-types.js';

/** The executor of each execution type, made by its descriptor; scripts and processes share one sandbox. */
export function createExecutorCatalog(deps: ExecutorDeps): ExecutorCatalog {
  const names = Object.keys(executionTypes) as ExecutionTypeName[];
  return Object.fromEntries(names.map((name) => [name, executionTypes[name].createExecutor(deps)])) as ExecutorCatalog;
}
