import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { executionContextToJson } from '../execution-context-json.js';
import { failedResult, type Executor } from '../executor.js';
import type { ProcessRuntime } from './process-runtime.js';

/**
 * Type 3: starts the config's process definition with the parsed body as variables plus `webhook`
 * (method, path, headers as stored, i.e. without secrets, query and event id). A sync webhook runs
 * the instance Supervised and answers with its data; an async one succeeds once it is stored.
 */
export function createStartProcessExecutor(processes: ProcessRuntime): Executor {
  return {
    async execute(request) {
      if (request.processDefinitionId === undefined) return failedResult('Process definition id is required for StartProcess');
      const context = executionContextToJson(request.context);
      const body = context.body;
      const variables: JsonObject = {
        ...(typeof body === 'object' && body !== null && !Array.isArray(body) ? body : { body: body ?? null }),
        webhook: {
          method: context.method ?? '',
          path: context.path ?? '',
          headers: context.headers ?? {},
          query: context.query ?? {},
          eventId: context.eventId ?? 0,
        },
      };
      const mode = request.responseMode === 'async' ? 'FireAndForget' : 'Supervised';
      const eventId = Number(context.eventId);
      const instance = await processes.start(
        Number(request.processDefinitionId),
        variables,
        mode,
        eventId > 0 ? eventId : undefined,
      );
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
      return { success: true, data: fromJson(ValueSchema, data) };
    },
    dispose: async () => {},
  };
}
