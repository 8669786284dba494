import { createHash } from 'node:crypto';
import { createCommandRecorder, type ConfigDryRun } from '../dry-run.js';
import type { ExecutionContextJson } from '../execution-job.js';
import { splitHttpResponse } from './http-response.js';
import type { ScriptSandbox } from './script-sandbox.js';

/**
 * Runs a script once in the sandbox, as a webhook would, except that its `doCmd` calls are recorded
 * and answered `isSuccessful: false` ("Not run: dry run"): the script goes on with that answer.
 */
export async function dryRunScript(
  sandbox: ScriptSandbox,
  run: { readonly code: string; readonly context: ExecutionContextJson; readonly timeoutMs: number },
): Promise<ConfigDryRun> {
  const recorder = createCommandRecorder();
  const started = performance.now();
  const outcome = await sandbox.run({
    cacheKey: `code:${createHash('sha256').update(run.code).digest('base64url')}`,
    code: run.code,
    context: run.context,
    timeoutMs: run.timeoutMs,
    runCommand: async (name, data) => recorder.record(name, data),
  });
  const base = { kind: 'script', logs: outcome.logs, commands: recorder.commands } as const;
  const durationMs = performance.now() - started;
  if (!outcome.ok) return { ...base, success: false, result: null, errors: [outcome.error], durationMs };
  const split = splitHttpResponse(outcome.result);
  if ('error' in split) return { ...base, success: false, result: null, errors: [split.error], durationMs };
  return {
    ...base,
    success: true,
    result: split.data,
    errors: [],
    ...(split.httpResponse && { httpResponse: split.httpResponse }),
    durationMs,
  };
}
