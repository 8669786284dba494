import { executionTargetKinds } from '../domain/execution-target.js';
import type { ExecutionRunner } from '../executors/execution-job.js';
import type { Metrics } from './metrics.js';

/** Counts and times every execution, by config key, execution type and outcome. */
export function instrumentExecution(execution: ExecutionRunner, metrics: Metrics): ExecutionRunner {
  return {
    async execute(job, options) {
      const labels = {
        config_key: job.context.key,
        execution_type: executionTargetKinds[job.target.case].name,
      };
      const stop = metrics.executionDuration.startTimer(labels);
      try {
        const result = await execution.execute(job, options);
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
