import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { ExecutionTargetCase, TargetOf } from '../domain/execution-target.js';
import type { DirectHttpResponse } from '../domain/webhook-event.js';

/**
 * The context every executor hands to commands and scripts (as docs/executors.md lists it), already in the
 * JSON form they receive: the body parsed, the raw body as UTF-8 text, the event id a number and
 * `receivedAt` ISO-8601. Built once per attempt; no executor converts it again.
 */
export type ExecutionContextJson = {
  body: JsonValue;
  rawBody: string;
  headers: { [name: string]: string };
  query: { [name: string]: string };
  method: string;
  path: string;
  key: string;
  clientIp: string;
  eventId: number;
  receivedAt: string | null;
  /** 1 for the first attempt. */
  attempt: number;
  /** A fixed endpoint's normalised fields; empty for the dynamic router. */
  fields: JsonObject;
};

/**
 * What to run and the webhook it runs for: the ExecutionService's ExecutionRequest as plain data.
 * Self-contained, so an executor process needs no lookup to run it. `C` narrows the target to one
 * kind (what that kind's executor is given).
 */
export interface ExecutionJob<C extends ExecutionTargetCase = ExecutionTargetCase> {
  /** 0 for ad-hoc code (cached by its hash). */
  readonly configId: number;
  readonly configVersion: number;
  /** The work: its kind and exactly that kind's fields (chain parameters are JSON, as stored). */
  readonly target: TargetOf<C>;
  /** The config's own limit; the executor never exceeds the service-wide one. */
  readonly timeoutMs: number | undefined;
  /** How the caller waits: a StartProcess webhook runs Supervised in sync mode, FireAndForget in async. */
  readonly responseMode: 'sync' | 'async';
  /** The configuration's authority: the permissions its commands run with. */
  readonly permissions: readonly string[];
  readonly context: ExecutionContextJson;
}

/** One console line of a script, or an executor's note. */
export interface ExecutionLogLine {
  /** "log", "info", "warn" or "error". */
  readonly level: string;
  readonly message: string;
  readonly at: Date;
}

/** One chain step, or one command a script or process ran. */
export interface StepOutcome {
  readonly commandName: string;
  readonly success: boolean;
  /** The step's data on success. */
  readonly data?: JsonValue;
  /** What went wrong, on failure. */
  readonly error?: string;
  readonly durationMs: number;
}

/** What an executor returns: a failure of the work is `success: false`, never a throw. */
export interface ExecutorResult {
  readonly success: boolean;
  /** The result on success. */
  readonly data?: JsonValue;
  /** One sentence each, on failure. */
  readonly errors?: readonly string[];
  /** Answers a sync webhook's caller directly (handshakes, challenges). */
  readonly httpResponse?: DirectHttpResponse | undefined;
  readonly logs?: readonly ExecutionLogLine[];
  readonly steps?: readonly StepOutcome[];
  /** On failure: the target asked to be called again no sooner than this (a 429 or 503 with Retry-After). */
  readonly retryAfterMs?: number;
}

/** An execution's outcome as the delivery code receives it: every field present, JSON as JSON. */
export interface ExecutionOutcome {
  readonly success: boolean;
  /** The result on success; null on failure. */
  readonly data: JsonValue;
  readonly errors: readonly string[];
  readonly httpResponse: DirectHttpResponse | null;
  readonly logs: readonly ExecutionLogLine[];
  /** Every step with both fields, as stored: data null on failure, error empty on success. */
  readonly steps: readonly Required<StepOutcome>[];
  readonly durationMs: number;
  /** On failure: the target asked to be called again no sooner than this (a 429 or 503 with Retry-After). */
  readonly retryAfterMs?: number;
}

/**
 * Runs executions: the executors of this process called directly, or an executor process over
 * Connect (EXECUTOR_URL). Either way the call rejects once `signal` aborts, and the work itself
 * holds the same signal so that it stops too.
 */
export interface ExecutionRunner {
  execute(job: ExecutionJob, options?: { readonly signal?: AbortSignal | undefined }): Promise<ExecutionOutcome>;
}

/** An executor's result with every field present. */
export function outcomeOf(result: ExecutorResult, durationMs: number): ExecutionOutcome {
  return {
    success: result.success,
    data: result.success ? (result.data ?? null) : null,
    errors: result.success ? [] : (result.errors ?? []),
    httpResponse: result.httpResponse ?? null,
    logs: result.logs ?? [],
    steps: (result.steps ?? []).map((step) => ({ ...step, data: step.data ?? null, error: step.error ?? '' })),
    durationMs,
    ...(!result.success && result.retryAfterMs !== undefined && { retryAfterMs: result.retryAfterMs }),
  };
}
