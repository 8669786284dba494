import type { MessageInitShape } from '@bufbuild/protobuf';
import type { ExecutionRequest, ExecutionResultSchema } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import type { ExecutionTypeName } from '../domain/webhook-config.js';

export type ExecutionResultInit = MessageInitShape<typeof ExecutionResultSchema>;

/** One kind of work behind the ExecutionService: a port with a lifecycle. */
export interface Executor {
  /** Runs the request; a failure of the work is a result with `success: false`, not a throw. */
  execute(request: ExecutionRequest, options: { signal: AbortSignal }): Promise<ExecutionResultInit>;
  /** Releases isolates, engines and timers. */
  dispose(): Promise<void>;
}

/** One executor per execution type: a missing kind does not compile. */
export type ExecutorCatalog = Record<ExecutionTypeName, Executor>;

/** A failed result with one or more sentences. */
export function failedResult(...errors: string[]): ExecutionResultInit {
  return { success: false, errors };
}
