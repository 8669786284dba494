import type { JsonObject } from '@bufbuild/protobuf';
import { failedResult, type Executor } from '../executor.js';
import type { ProcessRuntime } from './process-runtime.js';

/**
 * Type 3: starts the config's process definition with the parsed body as variables plus `webhook`
 * (method, path, headers as stored, i.e. without secrets, query and event id). A sync webhook runs
 * the instance Supervised and answers with its data; an async one succeeds once it is stored.
 */
export function createStartProcessExecutor(processes: ProcessRuntime): Executor {
  return {
    async execute(job) {
      if (job.processDefinitionId === undefined) return failedResult('Process definition id is required for StartProcess');
      const { context } = job;
      const body = context.body;
      const variables: JsonObject = {
        ...(typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { body: body ?? null }),
        webhook: {
          method: context.method,
          path: context.path,
          headers: context.headers,
          query: context.query,
          eventId: context.eventId,
        },
      };
      const mode = job.responseMode === 'async' ? 'FireAndForget' : 'Supervised';
      const eventId = context.eventId;
      const instance = await processes.start(job.processDefinitionId, variables, mode, eventId > 0 ? eventId : undefined);
      if (instance.status === 'ERROR')
        return failedResult(...(instance.errors.length > 0 ? instance.errors : ['Process failed']));
      const current = instance.waiting[0];
      const data: JsonObject = {
        instanceId: instance.id,
        status: instance.status,
        ...(mode === 'Supervised' && {
          variables: instance.variables as JsonObject,
          currentTaskId: current?.id ?? '',
          currentTaskName: current?.name ?? '',
        }),
      };
      return { success: true, data };
    },
    dispose: async () => {},
  };
}
