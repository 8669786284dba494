import type { ExecutionTypeName } from '../domain/webhook-config.js';
import type { ExecutionJob, ExecutorResult } from './execution-job.js';

/** One kind of work behind the ExecutionService: a port with a lifecycle. */
export interface Executor {
  /** Runs the job; a failure of the work is a result with `success: false`, not a throw. */
  execute(job: ExecutionJob, options: { signal: AbortSignal }): Promise<ExecutorResult>;
  /** Releases isolates, engines and timers. */
  dispose(): Promise<void>;
}

/** One executor per execution type: a missing kind does not compile. */
export type ExecutorCatalog = Record<ExecutionTypeName, Executor>;

/** A failed result with one or more sentences. */
export function failedResult(...errors: string[]): ExecutorResult {
  return { success: false, errors };
}
