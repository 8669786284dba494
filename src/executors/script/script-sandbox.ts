import type { JsonValue } from '@bufbuild/protobuf';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ScriptLimits } from '../../config/config.js';
import { createConsoleCapture, type CapturedLine, type ConsoleCapture } from './console-capture.js';
import { checkScript } from './check-script.js';
import type { PreparedScript } from './prepare-script-source.js';
import { inScriptCommandSpan } from '../../tracing/work-spans.js';
import type { ScriptHost } from './script-host.js';
import { createScriptHostPool, type ScriptHostEvent, type ScriptHostStats } from './script-host-pool.js';

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

/** The isolated-vm sandbox shared by ExecuteCode and BPMN script tasks. */
export interface ScriptSandbox {
  run(request: ScriptRunRequest): Promise<ScriptOutcome>;
  /** Host supervision counters (starts, crashes, memory aborts, backoffs); absent in sandboxes without hosts. */
  stats?(): ScriptHostStats;
  dispose(): void;
}

/** A doCmd that runs a command that runs a script again may nest this deep, no deeper. */
export const maxScriptNesting = 3;
/** How long past its timeout a script blocked in a host call may take before its isolate is disposed. */
const hardDeadlineGraceMs = 100;
/**
 * How long a timed-out run that used doCmd waits for its host to say what ended it; past that it ends
 * as timed out, so the limit holds however busy the host's bridge is with doCmd data.
 */
const cancelAnswerWaitMs = 150;
const checkMemoSize = 1_000;
const nesting = new AsyncLocalStorage<number>();

/** Wiring of the sandbox beyond its limits. */
export interface ScriptSandboxOptions {
  readonly clock?: () => Date;
  /** Host starts, deaths and backoffs, for logs and metrics. */
  readonly onHostEvent?: (event: ScriptHostEvent) => void;
}

/**
 * Creates the sandbox: `SCRIPT_HOSTS` supervised script host processes, each holding warm, locked-down
 * isolates; the service keeps doCmd, the console checks and every limit that is not CPU or heap.
 */
export function createScriptSandbox(limits: ScriptLimits, options: ScriptSandboxOptions = {}): ScriptSandbox {
  const clock = options.clock ?? (() => new Date());
  const hosts = createScriptHostPool({
    hosts: limits.hosts,
    limits: {
      memoryMb: limits.memoryMb,
      isolates: Math.max(1, Math.ceil(limits.poolSize / limits.hosts)),
      maxLogLines: limits.maxLogLines,
      maxLogLineChars: limits.maxLogLineChars,
      maxResultBytes: limits.maxResultBytes,
    },
    ...(options.onHostEvent && { onHostEvent: options.onHostEvent }),
  });
  const checks = new Map<string, { code: string; checked: PreparedScript }>();
  const checkedScript = (cacheKey: string, code: string) => {
    const known = checks.get(cacheKey);
    if (known?.code === code) return known.checked;
    if (checks.size >= checkMemoSize) checks.clear();
    const checked = checkScript(code);
    checks.set(cacheKey, { code, checked });
    return checked;
  };

  return {
    async run(request) {
      const capture = createConsoleCapture({ maxLines: limits.maxLogLines, maxLineChars: limits.maxLogLineChars }, clock);
      const failed = (error: string): ScriptOutcome => ({ ok: false, error, logs: capture.lines });
      const depth = nesting.getStore() ?? 0;
      if (depth >= maxScriptNesting) return failed(`Scripts may nest at most ${maxScriptNesting} deep`);
      const checked = checkedScript(request.cacheKey, request.code);
      if (!checked.ok) return failed(`Execution code does not compile: ${checked.problem}`);
      const cancelled = 'Script was cancelled';
      if (request.signal?.aborted) return failed(cancelled);
      let host: ScriptHost;
      try {
        host = await hosts.pick(request.signal);
      } catch (error) {
        if (request.signal?.aborted) return failed(cancelled);
        throw error;
      }
      // Aborted in the same turn as the host was picked: never send it.
      if (request.signal?.aborted) return failed(cancelled);

      const state = { timedOut: false, bridged: false };
      const timeoutMessage = `Script timed out after ${request.timeoutMs} ms`;
      const onCommand = hostCommand(request, limits, depth, state, timeoutMessage);
      const input = JSON.stringify({ context: request.context });
      const { id, result } = host.run(
        { cacheKey: request.cacheKey, code: checked.source, input, timeoutMs: request.timeoutMs, nested: depth > 0 },
        onCommand,
      );
      // A script blocked in a doCmd, or a host that does not answer, is stopped shortly after its timeout.
      let stop: (reason: 'timeout' | 'cancelled') => void = () => {};
      const stopped = new Promise<'timeout' | 'cancelled'>((resolve) => (stop = resolve));
      const onAbort = () => stop('cancelled');
      request.signal?.addEventListener('abort', onAbort, { once: true });
      const hardDeadline = setTimeout(() => stop('timeout'), request.timeoutMs + hardDeadlineGraceMs);
      try {
        let ended = await Promise.race([result, stopped]);
        if (ended === 'cancelled') {
          host.cancel(id);
          return failed(cancelled);
        }
        if (ended === 'timeout') {
          // The host answers a cancel at once, unless the script is bringing it down (a heap
          // breach) or its bridge is busy carrying doCmd data: wait briefly for that answer, so the
          // run reports what really ended it, but never past the limit's grace (the host is
          // killed later if it never answers; see script-host.ts).
          host.cancel(id);
          state.timedOut = true;
          // Only a script that used the bridge can keep its host's answer waiting behind doCmd data;
          // any other's late answer is a heap breach under way, or a host the kill timer will end.
          const answer = state.bridged ? await Promise.race([result, delay(cancelAnswerWaitMs)]) : await result;
          if (answer === undefined) return failed(timeoutMessage);
          ended = answer;
        }
        if (request.signal?.aborted) return failed(cancelled);
        if ('reply' in ended) return state.timedOut ? failed(timeoutMessage) : readReply(ended.reply, capture);
        switch (ended.failure) {
          case 'timeout':
            return failed(timeoutMessage);
          case 'memory':
            return failed('Script exceeded its memory limit');
          case 'cancelled':
            return failed(state.timedOut ? timeoutMessage : cancelled);
          case 'crashed':
            // Also a host that stopped answering after the timeout and was killed (isolated-vm can hang
            // disposing an isolate that broke its heap limit).
            return failed('Script host crashed');
          case 'error':
            return failed(`Script failed: ${ended.message}`);
          default:
            return ended.failure satisfies never;
        }
      } finally {
        clearTimeout(hardDeadline);
        request.signal?.removeEventListener('abort', onAbort);
      }
    },
    stats: () => hosts.stats(),
    dispose: () => hosts.dispose(),
  };
}

/** The host side of `doCmd`: bounded in number and time; always answers JSON, never throws into the isolate. */
function hostCommand(
  request: ScriptRunRequest,
  limits: ScriptLimits,
  depth: number,
  state: { timedOut: boolean; bridged: boolean },
  timeoutMessage: string,
) {
  const deadline = performance.now() + request.timeoutMs;
  // The host's requests arrive on its channel, outside this execution's async context (and its span).
  const execution = context.active();
  let calls = 0;
  return async (name: unknown, json: unknown): Promise<string> => {
    calls += 1;
    state.bridged = true;
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
      nesting.run(depth + 1, () =>
        context.with(execution, () => inScriptCommandSpan(name, () => request.runCommand(name, data))),
      ),
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
  let parsed: { lines?: unknown; logs?: unknown; error?: unknown; result?: JsonValue } | undefined;
  try {
    parsed = typeof reply === 'string' ? (JSON.parse(reply) as typeof parsed) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null)
    return { ok: false, error: 'The script result could not be read', logs: capture.lines };
  if (Array.isArray(parsed.logs)) {
    for (const line of parsed.logs) if (Array.isArray(line)) capture.add(line[0], line[1]);
    if (typeof parsed.lines === 'number' && parsed.lines > parsed.logs.length) capture.add('truncated', '');
  }
  if (typeof parsed.lines === 'number') capture.finish(parsed.lines);
  if (typeof parsed.error === 'string') return { ok: false, error: parsed.error.slice(0, 1_000), logs: capture.lines };
  return { ok: true, result: parsed.result ?? null, logs: capture.lines };
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
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
