import type { CommandBus } from '../commands/command-bus.js';
import type { ExecutorCatalog } from './executor.js';
import { createNativeExecutor } from './native/native-executor.js';
import { createUnavailableExecutor } from './unavailable-executor.js';

/** The executor of each execution type. */
export function createExecutorCatalog(bus: CommandBus): ExecutorCatalog {
  return {
    ExecuteNativeCommand: createNativeExecutor(bus),
    ExecuteCommandChain: createUnavailableExecutor('ExecuteCommandChain'),
    ExecuteCode: createUnavailableExecutor('ExecuteCode'),
    StartProcess: createUnavailableExecutor('StartProcess'),
  };
}
