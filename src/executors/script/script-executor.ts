import type { JsonValue } from '@bufbuild/protobuf';
import { createHash } from 'node:crypto';
import { configTimeoutMs } from '../execution-bounds.js';
import type { ExecutionJob, StepOutcome } from '../execution-job.js';
import type { Executor } from '../executor.js';
import type { RunCommand, WebhookCommandOutcome } from '../command-port.js';
import { splitHttpResponse } from './http-response.js';
import type { ScriptCommandReply, ScriptSandbox } from './script-sandbox.js';

export interface ScriptExecutorOptions {
  readonly sandbox: ScriptSandbox;
  readonly runCommand: RunCommand;
  /** SCRIPT_TIMEOUT_MS: a config's `timeoutMs` may only lower it. */
  readonly timeoutMs: number;
}

/** Type 2: runs the config's function body in the sandbox; `doCmd` runs commands with the webhook's rights. */
export function createScriptExecutor(options: ScriptExecutorOptions): Executor<'script'> {
  return {
    async execute(job, { signal }) {
      const { context } = job;
      const caller = { key: context.key, requestId: `event-${context.eventId}`, permissions: job.permissions, signal };
      const steps: StepOutcome[] = [];
      const outcome = await options.sandbox.run({
        cacheKey: cacheKeyOf(job),
        code: job.target.code,
        context,
        timeoutMs: Math.min(options.timeoutMs, configTimeoutMs(job) ?? Infinity),
        signal,
        async runCommand(name, data) {
          const started = performance.now();
          const result = await options.runCommand(name, data, caller);
          const durationMs = performance.now() - started;
          steps.push(
            result.success
              ? { commandName: name, success: true, data: result.data, durationMs }
              : { commandName: name, success: false, error: result.errors.join('; '), durationMs },
          );
          return toScriptReply(result);
        },
      });
      const logs = outcome.logs;
      if (!outcome.ok) return { success: false, errors: [outcome.error], logs, steps };
      const split = splitHttpResponse(outcome.result);
      if ('error' in split) return { success: false, errors: [split.error], logs, steps };
      return { success: true, data: split.data, httpResponse: split.httpResponse, logs, steps };
    },
    dispose: async () => options.sandbox.dispose(),
  };
}

/** Stored configs are compiled once per version; ad-hoc requests (no config) by the hash of their code. */
function cacheKeyOf(job: ExecutionJob<'script'>): string {
  if (job.configId > 0) return `config:${job.configId}:${job.configVersion}`;
  return `code:${createHash('sha256').update(job.target.code).digest('base64url')}`;
}

/** A command's outcome as `doCmd` returns it inside a script. */
export function toScriptReply(result: WebhookCommandOutcome): ScriptCommandReply {
  return result.success
    ? { isSuccessful: true, message: result.message, data: result.data, errors: [] }
    : { isSuccessful: false, message: result.message, data: null as JsonValue, errors: result.errors };
}
