import { describeCause, toAppError } from '../errors.js';
import { failedResult, type ExecutorCatalog } from './executor.js';
import { rejectOnAbort } from './execution-bounds.js';
import { outcomeOf, type ExecutionRunner } from './execution-job.js';
import { findExecutionType } from './types/execution-types.js';
import { inExecutionSpan } from '../tracing/work-spans.js';

/**
 * The executors of this process, called directly: no message is built, nothing is encoded. Picks
 * the executor for the job's type, times it, and never throws for a failed execution; like a
 * Connect call, it rejects as soon as the caller's signal aborts (the executor holds the same
 * signal and stops its work).
 */
export function createExecutionRunner(executors: ExecutorCatalog): ExecutionRunner {
  return {
    async execute(job, options) {
      const signal = options?.signal ?? new AbortController().signal;
      signal.throwIfAborted();
      const started = performance.now();
      const type = findExecutionType(job.executionType);
      const running = !type
        ? Promise.resolve(failedResult(`Unknown execution type ${job.executionType}`))
        : type.runPermission && !job.permissions.includes(type.runPermission)
          ? Promise.resolve(failedResult(`${type.name} needs ${type.runPermission}, which the configuration's authority lacks`))
          : inExecutionSpan(type.name, job.context.key, () => executors[type.name].execute(job, { signal })).catch(
              (error: unknown) => {
                const failure = toAppError(error);
                return failedResult(
                  failure.code === 'internal' ? `Execution failed unexpectedly: ${describeCause(failure)}` : failure.message,
                );
              },
            );
      const result = await rejectOnAbort(running, signal);
      return outcomeOf(result, performance.now() - started);
    },
  };
}

/** Disposes every executor (isolates, engines) at shutdown. */
export async function disposeExecutors(executors: ExecutorCatalog): Promise<void> {
  await Promise.all(Object.values(executors).map((executor) => executor.dispose()));
}
