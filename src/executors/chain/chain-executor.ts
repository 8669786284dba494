import { fromJson, type JsonObject, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { ExecutionRequest, StepResultSchema } from '../../../gen/bpm/webhooks/v1/execution_pb.js';
import type { CommandBus } from '../../commands/command-bus.js';
import { executionContextToJson } from '../execution-context-json.js';
import { configTimeoutMs, untilAborted, withConfigTimeout } from '../execution-bounds.js';
import { failedResult, type Executor } from '../executor.js';
import { runWebhookCommand } from '../run-webhook-command.js';

type StepResultInit = MessageInitShape<typeof StepResultSchema>;

/**
 * Type 1: runs the chain's commands in order. Each step gets the webhook context, its `parameters`
 * and `previous` (the prior step's data), or only its `parameters` when its command takes an API
 * request; the chain stops at the first failure and reports every
 * step it ran; its data is the last step's data. A config's `timeoutMs` bounds the whole chain.
 * Every step gets one signal (the caller's cancellation or the chain's timeout), so a step cut off
 * stops its own work (a forward's request) instead of finishing after the chain has answered.
 */
export function createChainExecutor(bus: CommandBus): Executor {
  return {
    async execute(request, { signal }) {
      const chain = stepsOf(request);
      if (chain.length === 0) return failedResult('The command chain is empty');
      const context = executionContextToJson(request.context);
      const chainSignal = withConfigTimeout(signal, request);
      const caller = { key: String(context.key), requestId: `event-${context.eventId}`, signal: chainSignal };
      const stopReason = () =>
        signal.aborted ? 'Execution was cancelled' : `Chain timed out after ${configTimeoutMs(request)} ms`;
      const steps: StepResultInit[] = [];
      let previous: JsonValue = null;
      for (const [index, step] of chain.entries()) {
        if (chainSignal.aborted) return { success: false, errors: [stopReason()], steps };
        const started = performance.now();
        const input: JsonObject = takesApiRequest(bus, step.commandName)
          ? step.parameters
          : { ...context, parameters: step.parameters, previous };
        const outcome = await untilAborted(runWebhookCommand(bus, step.commandName, input, caller), chainSignal);
        const durationMs = performance.now() - started;
        if (outcome === 'aborted' || (!outcome.success && chainSignal.aborted)) {
          steps.push({
            commandName: step.commandName,
            success: false,
            error: signal.aborted ? 'Cancelled' : 'Timed out',
            durationMs,
          });
          return { success: false, errors: [stopReason()], steps };
        }
        if (!outcome.success) {
          steps.push({ commandName: step.commandName, success: false, error: outcome.errors.join('; '), durationMs });
          const errors = [`Step ${index + 1} (${step.commandName}) failed: ${outcome.errors.join('; ')}`];
          return { success: false, errors, steps };
        }
        steps.push({ commandName: step.commandName, success: true, data: fromJson(ValueSchema, outcome.data), durationMs });
        previous = outcome.data;
      }
      return { success: true, data: fromJson(ValueSchema, previous), steps };
    },
    dispose: async () => {},
  };
}

/**
 * A command whose input is its own API request message (StartProcessInstanceCommand,
 * CorrelateProcessMessageCommand, ...) reads named fields, not the webhook context: its step's
 * `parameters` are that request.
 */
function takesApiRequest(bus: CommandBus, name: string): boolean {
  return bus.find(name)?.input.typeName === `bpm.webhooks.v1.${name}`;
}

/** The stored steps, or `commandName: "A,B,C"` when a request carries no steps. */
function stepsOf(request: ExecutionRequest): { commandName: string; parameters: JsonObject }[] {
  if (request.commandChain.length > 0) {
    return request.commandChain.map((step) => ({
      commandName: step.commandName,
      parameters: step.parameters ?? {},
    }));
  }
  return request.commandName
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .map((commandName) => ({ commandName, parameters: {} }));
}
