import { inProcessInstanceSpan } from '../tracing/work-spans.js';
import type { ProcessRuntime } from './process-runtime.js';

/**
 * The process runtime with a span for each instance a webhook, a chain step, a script or an RPC
 * starts, signals or moves with a message (`process instance start|signal|correlate`): definition,
 * instance id and status, message name; never variables or the correlation key's value.
 */
export function traceProcessRuntime(runtime: ProcessRuntime): ProcessRuntime {
  return {
    ...runtime,
    start(definitionId, variables, mode, origin) {
      const attributes = { 'bpm_webhooks.process.definition_id': definitionId, 'bpm_webhooks.process.mode': mode };
      return inProcessInstanceSpan('start', attributes, () => runtime.start(definitionId, variables, mode, origin));
    },
    signal(id, taskId, variables) {
      const attributes = { 'bpm_webhooks.process.instance_id': id, 'bpm_webhooks.process.task_id': taskId };
      return inProcessInstanceSpan('signal', attributes, () => runtime.signal(id, taskId, variables));
    },
    correlate(message) {
      const attributes = {
        'bpm_webhooks.process.definition_id': message.definitionId,
        'bpm_webhooks.process.message_name': message.messageName,
      };
      return inProcessInstanceSpan('correlate', attributes, () => runtime.correlate(message));
    },
  };
}
