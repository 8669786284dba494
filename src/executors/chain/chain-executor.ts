import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { configTimeoutMs, untilAborted, withConfigTimeout } from '../execution-bounds.js';
import { failedResult, type Executor } from '../executor.js';
import type { StepOutcome } from '../execution-job.js';
import { type CommandPort, retryAfterOf } from '../command-port.js';
import { inChainStepSpan } from '../../tracing/work-spans.js';

/**
 * Type 1: runs the chain's commands in order. Each step gets the webhook context, its `parameters`
 * and `previous` (the prior step's data), or only its `parameters` when its command takes an API
 * request; the chain stops at the first failure and reports every
 * step it ran; its data is the last step's data. A config's `timeoutMs` bounds the whole chain.
 * Every step gets one signal (the caller's cancellation or the chain's timeout), so a step cut off
 * stops its own work (a forward's request) instead of finishing after the chain has answered.
 */
export function createChainExecutor(commands: CommandPort): Executor<'chain'> {
  return {
    async execute(job, { signal }) {
      // Stored and sent as JSON, so every parameter is a JSON value.
      const chain = job.target.steps as readonly { commandName: string; parameters: JsonObject }[];
      if (chain.length === 0) return failedResult('The command chain is empty');
      const { context } = job;
      return withConfigTimeout(signal, job, async (chainSignal) => {
        const caller = {
          key: context.key,
          requestId: `event-${context.eventId}`,
          permissions: job.permissions,
          signal: chainSignal,
        };
        const stopReason = () =>
          signal.aborted ? 'Execution was cancelled' : `Chain timed out after ${configTimeoutMs(job)} ms`;
        const steps: StepOutcome[] = [];
        let previous: JsonValue = null;
        for (const [index, step] of chain.entries()) {
          if (chainSignal.aborted) return { success: false, errors: [stopReason()], steps };
          const started = performance.now();
          const input: JsonObject = commands.takesApiRequest(step.commandName)
            ? step.parameters
            : { ...context, parameters: step.parameters, previous };
          const outcome = await inChainStepSpan(index, step.commandName, () =>
            untilAborted(commands.run(step.commandName, input, caller), chainSignal),
          );
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
            return { success: false, errors, steps, ...retryAfterOf(outcome) };
          }
          steps.push({ commandName: step.commandName, success: true, data: outcome.data, durationMs });
          previous = outcome.data;
        }
        return { success: true, data: previous, steps };
      });
    },
    dispose: async () => {},
  };
}
