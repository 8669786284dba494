import type { JsonObject } from '@bufbuild/protobuf';
import type { ProcessInstance } from '../../domain/process-instance.js';
import { isAppError } from '../../errors.js';
import { resolvePointer } from '../../router/idempotency-key.js';
import type { ExecutorResult } from '../execution-job.js';
import { failedResult, type Executor } from '../executor.js';
import { correlationKeyOf } from '../../processes/process-messages.js';
import { startVariables } from '../../processes/process-variables.js';
import type { ProcessRuntime } from '../../processes/process-runtime.js';

/**
 * Type 3 with the process action "start" (the default): starts the config's process definition with
 * the parsed body as variables plus `webhook` (method, path, headers as stored, i.e. without secrets,
 * query and event id). A sync webhook runs the instance Supervised and answers with its data; an
 * async one succeeds once it is stored.
 *
 * With "correlate": the same variables are the config's message, handed (as one variable) to the
 * instance that waits for it under the key the body holds at the config's JSON pointer, type included. No match or several fail
 * the attempt with the reason, so the event follows its retry policy (the instance may not wait yet).
 */
export function createStartProcessExecutor(processes: ProcessRuntime): Executor<'process'> {
  return {
    async execute(job) {
      const { context, target } = job;
      const variables = startVariables(context);
      const { definitionId } = target;
      const origin = { ...(context.eventId > 0 && { eventId: context.eventId }) };
      const mode = job.responseMode === 'async' ? 'FireAndForget' : 'Supervised';
      try {
        if (target.action !== 'correlate') {
          return instanceResult(await processes.start(definitionId, variables, mode, origin), mode === 'Supervised');
        }
        const key = correlationKeyOf(resolvePointer(context.body, target.correlationKey ?? ''));
        if (key === undefined) {
          return failedResult(`The body has no correlation key (a string or number) at "${target.correlationKey ?? ''}"`);
        }
        const message = {
          definitionId,
          messageName: target.messageName ?? '',
          correlationKey: key.text,
          correlationKeyType: key.type,
          variables,
          ...origin,
        };
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
function instanceResult(instance: ProcessInstance, withVariables: boolean): ExecutorResult {
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
  return { success: true, data };
}

function withMessage(message: string, errors: readonly string[]): string[] {
  return errors.length > 0 ? [...errors] : [message];
}
