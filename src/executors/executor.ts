import type { ExecutionTargetCase } from '../domain/execution-target.js';
import type { ExecutionJob, ExecutorResult } from './execution-job.js';

/** One kind of work behind the ExecutionService: a port with a lifecycle, given jobs of its own kind only. */
export interface Executor<C extends ExecutionTargetCase = ExecutionTargetCase> {
  /** Runs the job; a failure of the work is a result with `success: false`, not a throw. */
  execute(job: ExecutionJob<C>, options: { signal: AbortSignal }): Promise<ExecutorResult>;
  /** Releases isolates, engines and timers. */
  dispose(): Promise<void>;
}

/** One executor per kind of target: a missing kind does not compile. */
export type ExecutorCatalog = { readonly [C in ExecutionTargetCase]: Executor<C> };

/** A failed result with one or more sentences. */
export function failedResult(...errors: string[]): ExecutorResult {
  return { success: false, errors };
}
