import type { JsonValue } from '@bufbuild/protobuf';
import { AsyncLocalStorage } from 'node:async_hooks';
import ivm from 'isolated-vm';
import type { ScriptLimits } from '../../config/config.js';
import { createConsoleCapture, type CapturedLine, type ConsoleCapture } from './console-capture.js';
import { findScriptSyntaxError } from './find-script-syntax-error.js';
import { createIsolatePool, type IsolatePool, type PooledIsolate } from './isolate-pool.js';

/** What `doCmd(name, data)` returns inside a script. */
export interface ScriptCommandReply {
  readonly isSuccessful: boolean;
  readonly message: string;
  readonly data: JsonValue;
  readonly errors: readonly string[];
}

/** One script run: the code, its globals and the host side of `doCmd`. */
export interface ScriptRunRequest {
  /** Identifies the code for the compile cache: config id and version, or a hash of the code. */
  readonly cacheKey: string;
  readonly code: string;
  /** The `context` global (`body` is `context.body`), as JSON. */
  readonly context: JsonValue;
  /** Already capped at the service-wide limit by the caller. */
  readonly timeoutMs: number;
  runCommand(name: string, data: JsonValue): Promise<ScriptCommandReply>;
  readonly signal?: AbortSignal;
}

export type ScriptOutcome =
  | { readonly ok: true; readonly result: JsonValue; readonly logs: readonly CapturedLine[] }
  | { readonly ok: false; readonly error: string; readonly logs: readonly CapturedLine[] };

/** The isolated-vm sandbox shared by ExecuteCode and (later) BPMN script tasks. */
export interface ScriptSandbox {
  run(request: ScriptRunRequest): Promise<ScriptOutcome>;
  dispose(): void;
}

/** A doCmd that runs a command that runs a script again may nest this deep, no deeper. */
export const maxScriptNesting = 3;
/** How long past its timeout a script blocked in a host call may take before its isolate is disposed. */
const hardDeadlineGraceMs = 100;
const syntaxMemoSize = 1_000;
const nesting = new AsyncLocalStorage<number>();

/** Creates the sandbox: a pool of warm isolates with the service-wide limits. */
export function createScriptSandbox(limits: ScriptLimits, clock: () => Date = () => new Date()): ScriptSandbox {
  const pool = createIsolatePool({ size: limits.poolSize, memoryMb: limits.memoryMb });
  const syntaxErrors = new Map<string, { code: string; error: string | undefined }>();
  const syntaxErrorOf = (cacheKey: string, code: string) => {
    const known = syntaxErrors.get(cacheKey);
    if (known?.code === code) return known.error;
    if (syntaxErrors.size >= syntaxMemoSize) syntaxErrors.clear();
    const error = findScriptSyntaxError(code);
    syntaxErrors.set(cacheKey, { code, error });
    return error;
  };

  return {
    async run(request) {
      const capture = createConsoleCapture({ maxLines: limits.maxLogLines, maxLineChars: limits.maxLogLineChars }, clock);
      const failed = (error: string): ScriptOutcome => ({ ok: false, error, logs: capture.lines });
      const depth = nesting.getStore() ?? 0;
      if (depth >= maxScriptNesting) return failed(`Scripts may nest at most ${maxScriptNesting} deep`);
      const syntaxError = syntaxErrorOf(request.cacheKey, request.code);
      if (syntaxError) return failed(`Execution code does not compile: ${syntaxError}`);
      if (request.signal?.aborted) return failed('Script was cancelled');

      const lease = await acquireUnlessCancelled(pool, depth > 0, request.signal);
      if (!lease) return failed('Script was cancelled');
      const handles: { release(): void }[] = [];
      const state = { timedOut: false, cancelled: false };
      const timeoutMessage = `Script timed out after ${request.timeoutMs} ms`;
      const kill = (reason: keyof typeof state) => {
        state[reason] = true;
        if (!lease.isolate.isDisposed) lease.isolate.dispose();
      };
      const onAbort = () => kill('cancelled');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      let hardDeadline: NodeJS.Timeout | undefined;
      try {
        const script = await lease.script(request.cacheKey, request.code);
        const context = await lease.context();
        handles.push(context);
        const userFn = await script.run(context, { reference: true, timeout: request.timeoutMs });
        const runner = await lease.bootstrap.run(context, { reference: true });
        const hostCmd = new ivm.Reference(hostCommand(request, limits, depth, state, timeoutMessage));
        const hostLog = new ivm.Reference((level: unknown, text: unknown) => capture.add(level, text));
        handles.push(userFn, runner, hostCmd, hostLog);
        hardDeadline = setTimeout(() => kill('timedOut'), request.timeoutMs + hardDeadlineGraceMs);
        const input = JSON.stringify({ context: request.context });
        const reply: unknown = await runner.apply(
          undefined,
          [userFn.derefInto(), hostCmd, hostLog, input, limits.maxLogLines, limits.maxLogLineChars, limits.maxResultBytes],
          { timeout: request.timeoutMs },
        );
        if (state.timedOut) return failed(timeoutMessage);
        return readReply(reply, capture);
      } catch (error) {
        if (state.cancelled) return failed('Script was cancelled');
        if (state.timedOut || (error as Error).message === 'Script execution timed out.') return failed(timeoutMessage);
        if (lease.isolate.isDisposed) return failed('Script exceeded its memory limit');
        return failed(`Script failed: ${(error as Error).message}`);
      } finally {
        clearTimeout(hardDeadline);
        request.signal?.removeEventListener('abort', onAbort);
        for (const handle of handles) releaseQuietly(handle);
        // A timed-out isolate still works, but it is replaced anyway: nothing of that run may linger.
        pool.release(lease, lease.isolate.isDisposed || state.timedOut);
      }
    },
    dispose: () => pool.dispose(),
  };
}

/**
 * An isolate for a run, or undefined once its signal has aborted: a run cancelled while it waited for
 * a busy pool must never start later (its doCmd calls would happen after its attempt was settled).
 */
async function acquireUnlessCancelled(pool: IsolatePool, overflow: boolean, signal: AbortSignal | undefined): Promise<PooledIsolate | undefined> {
  let lease: PooledIsolate;
  try {
    lease = await pool.acquire({ overflow, signal });
  } catch (error) {
    if (signal?.aborted) return undefined;
    throw error;
  }
  // Handed over in the same turn as the abort: give it back unused.
  if (signal?.aborted) {
    pool.release(lease, false);
    return undefined;
  }
  return lease;
}

/** The host side of `doCmd`: bounded in number and time; always answers JSON, never throws into the isolate. */
function hostCommand(
  request: ScriptRunRequest,
  limits: ScriptLimits,
  depth: number,
  state: { timedOut: boolean },
  timeoutMessage: string,
) {
  const deadline = performance.now() + request.timeoutMs;
  let calls = 0;
  return async (name: unknown, json: unknown): Promise<string> => {
    calls += 1;
    if (calls > limits.maxCommandCalls) return abortReply(`Script exceeded ${limits.maxCommandCalls} doCmd calls`);
    if (request.signal?.aborted) return abortReply('Script was cancelled');
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      state.timedOut = true;
      return abortReply(timeoutMessage);
    }
    if (typeof name !== 'string' || typeof json !== 'string') return abortReply('doCmd(name, data) needs a name');
    let data: JsonValue;
    try {
      data = JSON.parse(json) as JsonValue;
    } catch {
      return abortReply('doCmd data must be JSON');
    }
    const reply = await withTimeout(
      nesting.run(depth + 1, () => request.runCommand(name, data)),
      remaining,
    ).catch((error: unknown): ScriptCommandReply => {
      const message = (error as Error).message;
      return { isSuccessful: false, message: 'Command failed', data: null, errors: [message] };
    });
    if (reply === 'timeout') {
      state.timedOut = true;
      return abortReply(timeoutMessage);
    }
    return JSON.stringify(reply);
  };
}

function readReply(reply: unknown, capture: ConsoleCapture): ScriptOutcome {
  let parsed: { lines?: unknown; error?: unknown; result?: JsonValue } | undefined;
  try {
    parsed = typeof reply === 'string' ? (JSON.parse(reply) as typeof parsed) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return { ok: false, error: 'The script result could not be read', logs: capture.lines };
  if (typeof parsed.lines === 'number') capture.finish(parsed.lines);
  if (typeof parsed.error === 'string') return { ok: false, error: parsed.error.slice(0, 1_000), logs: capture.lines };
  return { ok: true, result: parsed.result ?? null, logs: capture.lines };
}

function abortReply(message: string): string {
  return JSON.stringify({ abort: message });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

function releaseQuietly(handle: { release(): void }): void {
  try {
    handle.release();
  } catch {
    // Handles of a disposed isolate are already gone.
  }
}
