import { fromJson, type JsonObject, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { ExecutionRequest, StepResultSchema } from '../../../gen/bpm/webhooks/v1/execution_pb.js';
import type { CommandBus } from '../../commands/command-bus.js';
import { executionContextToJson } from '../execution-context-json.js';
import { failedResult, type Executor } from '../executor.js';
import { runWebhookCommand, type WebhookCommandOutcome } from '../run-webhook-command.js';

type StepResultInit = MessageInitShape<typeof StepResultSchema>;

/**
 * Type 1: runs the chain's commands in order. Each step gets the webhook context, its `parameters`
 * and `previous` (the prior step's data); the chain stops at the first failure and reports every
 * step it ran; its data is the last step's data. A config's `timeoutMs` bounds the whole chain.
 */
export function createChainExecutor(bus: CommandBus): Executor {
  return {
    async execute(request, { signal }) {
      const chain = stepsOf(request);
      if (chain.length === 0) return failedResult('The command chain is empty');
      const context = executionContextToJson(request.context);
      const caller = { key: String(context.key), requestId: `event-${context.eventId}` };
      const timeoutMs = request.timeoutMs && request.timeoutMs > 0 ? request.timeoutMs : undefined;
      const deadline = timeoutMs === undefined ? Infinity : performance.now() + timeoutMs;
      const steps: StepResultInit[] = [];
      let previous: JsonValue = null;
      for (const [index, step] of chain.entries()) {
        if (signal.aborted) return { success: false, errors: ['Execution was cancelled'], steps };
        if (performance.now() > deadline) return { success: false, errors: [`Chain timed out after ${timeoutMs} ms`], steps };
        const started = performance.now();
        const input: JsonObject = { ...context, parameters: step.parameters, previous };
        const outcome: WebhookCommandOutcome | 'timeout' = await withinDeadline(runWebhookCommand(bus, step.commandName, input, caller), deadline);
        const durationMs = performance.now() - started;
        if (outcome === 'timeout') {
          steps.push({ commandName: step.commandName, success: false, error: 'Timed out', durationMs });
          return { success: false, errors: [`Chain timed out after ${timeoutMs} ms`], steps };
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

/** The step's outcome, or 'timeout' when the chain's deadline passes first (the command is not interrupted). */
async function withinDeadline<T>(work: Promise<T>, deadline: number): Promise<T | 'timeout'> {
  if (deadline === Infinity) return work;
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
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
