import type { Client } from '@connectrpc/connect';
import type { ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import { findExecutionType } from '../executors/types/execution-types.js';
import type { Metrics } from './metrics.js';

/** Counts and times every call of the ExecutionService, by config key, execution type and outcome. */
export function instrumentExecution(
  execution: Client<typeof ExecutionService>,
  metrics: Metrics,
): Client<typeof ExecutionService> {
  return {
    async execute(request, options) {
      const labels = {
        config_key: request.context?.key ?? '',
        execution_type: findExecutionType(request.executionType ?? 0)?.name ?? 'unknown',
      };
      const stop = metrics.executionDuration.startTimer(labels);
      try {
        const result = await execution.execute(request, options);
        metrics.executions.inc({ ...labels, outcome: result.success ? 'succeeded' : 'failed' });
        const error = result.success ? undefined : result.errors[0];
        // The script sandbox's own messages for the two limits it enforces (see script-sandbox.ts).
        if (error?.startsWith('Script timed out after ')) metrics.scriptTimeouts.inc({ config_key: labels.config_key });
        if (error === 'Script exceeded its memory limit') metrics.scriptMemoryBreaches.inc({ config_key: labels.config_key });
        return result;
      } catch (error) {
        metrics.executions.inc({ ...labels, outcome: 'error' });
        throw error;
      } finally {
        stop();
      }
    },
  };
}
