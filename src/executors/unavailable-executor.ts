import { failedResult, type Executor } from './executor.js';

/** Stands in for an execution type that this build cannot run; validation keeps such configs out. */
export function createUnavailableExecutor(typeName: string): Executor {
  return {
    execute: async () => failedResult(`${typeName} is not available in this service`),
    dispose: async () => {},
  };
}
