import { configTimeoutMs, untilAborted, withConfigTimeout } from '../execution-bounds.js';
import { failedResult, type Executor } from '../executor.js';
import { type RunCommand, retryAfterOf } from '../command-port.js';

/**
 * Type 0: runs the registered command `commandName` with the webhook context as its input, within
 * the config's `timeoutMs`; the command holds the same signal, so a forward stops when it is cut off.
 */
export function createNativeExecutor(runCommand: RunCommand): Executor<'native'> {
  return {
    execute(job, { signal }) {
      const { context } = job;
      return withConfigTimeout(signal, job, async (bounded) => {
        const caller = { key: context.key, requestId: `event-${context.eventId}`, permissions: job.permissions, signal: bounded };
        const outcome = await untilAborted(runCommand(job.target.commandName, context, caller), bounded);
        if (outcome === 'aborted' || (!outcome.success && bounded.aborted)) {
          return failedResult(signal.aborted ? 'Execution was cancelled' : `Command timed out after ${configTimeoutMs(job)} ms`);
        }
        if (!outcome.success) return { ...failedResult(...outcome.errors), ...retryAfterOf(outcome) };
        return { success: true, data: outcome.data };
      });
    },
    dispose: async () => {},
  };
}
