import { createClient, createRouterTransport, type Client, type ServiceImpl } from '@connectrpc/connect';
import { ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { toAppError } from '../errors.js';
import { failedResult, type ExecutorCatalog } from './executor.js';
import { findExecutionType } from './types/execution-types.js';

/** ExecutionService: picks the executor for the request's type, times it, and never throws for a failed execution. */
export function createExecutionService(executors: ExecutorCatalog): ServiceImpl<typeof ExecutionService> {
  return {
    async execute(request, context) {
      const started = performance.now();
      const typeName = findExecutionType(request.executionType)?.name;
      const result = typeName
        ? await executors[typeName].execute(request, { signal: context.signal }).catch((error: unknown) => {
            const failure = toAppError(error);
            return failedResult(failure.code === 'internal' ? 'Execution failed unexpectedly' : failure.message);
          })
        : failedResult(`Unknown execution type ${request.executionType}`);
      return { ...result, durationMs: performance.now() - started };
    },
  };
}

/** The in-process client the router uses: Connect's router transport, no socket. */
export function createInProcessExecutionClient(executors: ExecutorCatalog): Client<typeof ExecutionService> {
  const transport = createRouterTransport((router) => router.service(ExecutionService, createExecutionService(executors)));
  return createClient(ExecutionService, transport);
}

/** Disposes every executor (isolates, engines) at shutdown. */
export async function disposeExecutors(executors: ExecutorCatalog): Promise<void> {
  await Promise.all(Object.values(executors).map((executor) => executor.dispose()));
}
