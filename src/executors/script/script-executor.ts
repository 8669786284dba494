import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { ValueSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { createHash } from 'node:crypto';
import type { ExecutionRequest, StepResultSchema } from '../../../gen/bpm/webhooks/v1/execution_pb.js';
import type { CommandBus } from '../../commands/command-bus.js';
import { configTimeoutMs } from '../execution-bounds.js';
import { executionContextToJson } from '../execution-context-json.js';
import type { Executor } from '../executor.js';
import { runWebhookCommand } from '../run-webhook-command.js';
import { splitHttpResponse } from './http-response.js';
import type { ScriptCommandReply, ScriptSandbox } from './script-sandbox.js';

type StepResultInit = MessageInitShape<typeof StepResultSchema>;

export interface ScriptExecutorOptions {
  readonly sandbox: ScriptSandbox;
  readonly bus: CommandBus;
  /** SCRIPT_TIMEOUT_MS: a config's `timeoutMs` may only lower it. */
  readonly timeoutMs: number;
}

/** Type 2: runs the config's function body in the sandbox; `doCmd` runs commands with the webhook's rights. */
export function createScriptExecutor(options: ScriptExecutorOptions): Executor {
  return {
    async execute(request, { signal }) {
      const context = executionContextToJson(request.context);
      const caller = { key: String(context.key), requestId: `event-${context.eventId}`, signal };
      const steps: StepResultInit[] = [];
      const outcome = await options.sandbox.run({
        cacheKey: cacheKeyOf(request),
        code: request.executionCode,
        context,
        timeoutMs: Math.min(options.timeoutMs, configTimeoutMs(request) ?? Infinity),
        signal,
        async runCommand(name, data) {
          const started = performance.now();
          const result = await runWebhookCommand(options.bus, name, data, caller);
          const durationMs = performance.now() - started;
          steps.push(
            result.success
              ? { commandName: name, success: true, data: fromJson(ValueSchema, result.data), durationMs }
              : { commandName: name, success: false, error: result.errors.join('; '), durationMs },
          );
          return toScriptReply(result);
        },
      });
      const logs = outcome.logs.map((line) => ({ level: line.level, message: line.message, at: timestampFromDate(line.at) }));
      if (!outcome.ok) return { success: false, errors: [outcome.error], logs, steps };
      const split = splitHttpResponse(outcome.result);
      if ('error' in split) return { success: false, errors: [split.error], logs, steps };
      return { success: true, data: fromJson(ValueSchema, split.data), httpResponse: split.httpResponse, logs, steps };
    },
    dispose: async () => options.sandbox.dispose(),
  };
}

/** Stored configs are compiled once per version; ad-hoc requests (no config) by the hash of their code. */
function cacheKeyOf(request: ExecutionRequest): string {
  if (request.configId > 0n) return `config:${request.configId}:${request.configVersion}`;
  return `code:${createHash('sha256').update(request.executionCode).digest('base64url')}`;
}

/** A command's outcome as `doCmd` returns it inside a script. */
export function toScriptReply(result: Awaited<ReturnType<typeof runWebhookCommand>>): ScriptCommandReply {
  return result.success
    ? { isSuccessful: true, message: result.message, data: result.data, errors: [] }
    : { isSuccessful: false, message: result.message, data: null as JsonValue, errors: result.errors };
}
