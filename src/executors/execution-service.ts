import { executionTargetKinds, unknownTarget } from '../domain/execution-target.js';
import { describeCause, toAppError } from '../errors.js';
import { failedResult, type ExecutorCatalog } from './executor.js';
import { rejectOnAbort } from './execution-bounds.js';
import { outcomeOf, type ExecutionJob, type ExecutionRunner, type ExecutorResult } from './execution-job.js';
import { executionTypes } from './types/execution-types.js';
import { inExecutionSpan } from '../tracing/work-spans.js';

/**
 * The executors of this process, called directly: no message is built, nothing is encoded. Picks
 * the executor for the job's kind of target, times it, and never throws for a failed execution; like a
 * Connect call, it rejects as soon as the caller's signal aborts (the executor holds the same
 * signal and stops its work).
 */
export function createExecutionRunner(executors: ExecutorCatalog): ExecutionRunner {
  return {
    async execute(job, options) {
      const signal = options?.signal ?? new AbortController().signal;
      signal.throwIfAborted();
      const started = performance.now();
      const kind = job.target.case;
      const { name } = executionTargetKinds[kind];
      const runPermission = executionTypes[kind].runPermission;
      const running =
        runPermission && !job.permissions.includes(runPermission)
          ? Promise.resolve(failedResult(`${name} needs ${runPermission}, which the configuration's authority lacks`))
          : inExecutionSpan(name, job.context.key, () => executeTarget(executors, job, signal)).catch((error: unknown) => {
              const failure = toAppError(error);
              return failedResult(
                failure.code === 'internal' ? `Execution failed unexpectedly: ${describeCause(failure)}` : failure.message,
              );
            });
      const result = await rejectOnAbort(running, signal);
      return outcomeOf(result, performance.now() - started);
    },
  };
}

/** The job handed to the executor of its kind, the target narrowed to that kind. */
function executeTarget(executors: ExecutorCatalog, job: ExecutionJob, signal: AbortSignal): Promise<ExecutorResult> {
  const { target } = job;
  switch (target.case) {
    case 'native':
      return executors.native.execute({ ...job, target }, { signal });
    case 'chain':
      return executors.chain.execute({ ...job, target }, { signal });
    case 'script':
      return executors.script.execute({ ...job, target }, { signal });
    case 'process':
      return executors.process.execute({ ...job, target }, { signal });
    default:
      return unknownTarget(target);
  }
}

/** Disposes every executor (isolates, engines) at shutdown. */
export async function disposeExecutors(executors: ExecutorCatalog): Promise<void> {
  await Promise.all(Object.values(executors).map((executor) => executor.dispose()));
}
