import { fromJson, type JsonObject } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { ProcessInstance } from '../../domain/process-instance.js';
import { isAppError } from '../../errors.js';
import { resolvePointer } from '../../router/idempotency-key.js';
import { executionContextToJson } from '../execution-context-json.js';
import { failedResult, type ExecutionResultInit, type Executor } from '../executor.js';
import { correlationKeyText } from './process-messages.js';
import type { ProcessRuntime } from './process-runtime.js';

/**
 * Type 3 with the process action "start" (the default): starts the config's process definition with
 * the parsed body as variables plus `webhook` (method, path, headers as stored, i.e. without secrets,
 * query and event id). A sync webhook runs the instance Supervised and answers with its data; an
 * async one succeeds once it is stored.
 *
 * With "correlate": the same variables are delivered as the config's message to the instance that
 * waits for it under the key the body holds at the config's JSON pointer. No match or several fail
 * the attempt with the reason, so the event follows its retry policy (the instance may not wait yet).
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
      const definitionId = Number(request.processDefinitionId);
      const eventId = Number(context.eventId) > 0 ? Number(context.eventId) : undefined;
      const origin = { ...(eventId !== undefined && { eventId }) };
      const mode = request.responseMode === 'async' ? 'FireAndForget' : 'Supervised';
      try {
        if (request.processAction !== 'correlate') {
          return instanceResult(await processes.start(definitionId, variables, mode, origin), mode === 'Supervised');
        }
        const correlationKey = correlationKeyText(body === undefined ? undefined : resolvePointer(body, request.correlationKey));
        if (correlationKey === undefined) {
          return failedResult(`The body has no correlation key (a string or number) at "${request.correlationKey}"`);
        }
        const message = { definitionId, messageName: request.messageName, correlationKey, variables, ...origin };
        return instanceResult(await processes.correlate(message), true);
      } catch (error) {
        // Domain refusals (no match, several, busy, a missing definition) fail the attempt with their reason.
        if (isAppError(error) && error.code !== 'internal') return failedResult(...withMessage(error.message, error.errors));
        throw error;
      }
    },
    dispose: async () => {},
  };
}

/** The instance as the webhook's answer; an instance that ended in ERROR fails the webhook with its errors. */
function instanceResult(instance: ProcessInstance, withVariables: boolean): ExecutionResultInit {
  if (instance.status === 'ERROR') return failedResult(...(instance.errors.length > 0 ? instance.errors : ['Process failed']));
  const current = instance.waiting[0];
  const data: JsonObject = {
    instanceId: instance.id,
    status: instance.status,
    ...(withVariables && {
      variables: instance.variables as JsonObject,
      currentTaskId: current?.id ?? '',
      currentTaskName: current?.name ?? '',
    }),
  };
  return { success: true, data: fromJson(ValueSchema, data) };
}

function withMessage(message: string, errors: readonly string[]): string[] {
  return errors.length > 0 ? [...errors] : [message];
}
