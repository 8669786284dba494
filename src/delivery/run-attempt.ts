import type { JsonValue } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { DirectHttpResponse, WebhookEvent } from '../domain/webhook-event.js';
import { untilAborted, withTimeLimit } from '../executors/execution-bounds.js';
import type { ExecutionOutcome, ExecutionRunner, StepOutcome } from '../executors/execution-job.js';
import type { AttemptFinish } from '../store/webhook-event-attempts.js';
import type { EventSettlement } from '../store/webhook-events.js';
import { inProcessSpan, inSettleSpan } from '../tracing/messaging-spans.js';
import { describeAttempt } from '../tracing/describe-attempt.js';
import type { Tracing } from '../tracing/tracing.js';
import { backOffConfiguration } from '../store/admit-limited-events.js';
import { buildExecutionJob } from './build-execution-job.js';
import { outwardOutcome } from './outward-outcome.js';
import { leaseMarginMs, type LeaseKeeper, type LeaseKeepers } from './lease-keeper.js';
import { judgeAttempt, type RetryPolicy } from './retry-policy.js';
import type { SettleAttempt } from './settle-batches.js';
import { settleWithRetries, syncSettleWaitMs } from './settle-with-retries.js';

export interface AttemptDeps {
  readonly db: Knex;
  /** The executors of this process, or an executor process (EXECUTOR_URL). */
  readonly execution: ExecutionRunner;
  readonly clock: () => Date;
  readonly random: () => number;
  readonly log: Logger;
  /** Identifies this process in leases and attempt records. */
  readonly workerId: string;
  readonly policy: RetryPolicy & { readonly leaseMs: number };
  /** Keeps the leases of this process's attempts, all of them extended by one statement (see createLeaseKeepers). */
  readonly leases: LeaseKeepers;
  /** Writes attempts' ends and events' settlements, many in one statement (see settle-batches.ts). */
  readonly settle: SettleAttempt;
  /** Spans of each attempt (see tracing/); absent when tracing is off. */
  readonly tracing?: Tracing | undefined;
}

/**
 * How an attempt ended, and what it did to its event. `unsettled`: it ran, but its outcome could not
 * be stored before a sync caller's wait ran out; it is still being stored while the lease lasts.
 */
export type AttemptResult =
  | { readonly kind: 'succeeded'; readonly data: JsonValue; readonly httpResponse: DirectHttpResponse | null }
  | { readonly kind: 'failed'; readonly errors: readonly string[]; readonly settlement: EventSettlement['status'] }
  | { readonly kind: 'unsettled' };

/**
 * An attempt whose start is recorded: a sync event's first, opened with the event itself (see
 * insertWebhookEvents), or a claimed one's (see claimAttempts), with the configuration
 * it runs with (none when it no longer exists).
 */
export interface OpenedAttempt {
  readonly config: WebhookConfig | undefined;
  readonly attemptId: number;
}

/** Where an attempt starts: when its lease was taken, and the attempt as opened. */
export interface AttemptStart {
  /** `performance.now()` when the statement that took the lease (claim or insert) was sent on its connection. */
  readonly leaseSince: number;
  /** A claimed batch's attempts are opened while their leases are already being kept. */
  readonly opened: OpenedAttempt | Promise<OpenedAttempt>;
  /** The body as ingress parsed it (a sync event's first attempt), so it is not parsed again. */
  readonly body?: JsonValue;
}

/**
 * Runs one opened attempt of an event this process holds the lease of, extending the lease meanwhile:
 * executes it through the
 * ExecutionService until it ends or the lease is lost, then records its end and settles the event in
 * one statement (retried through a store outage while the lease lasts): succeeded; or, on failure,
 * failed (a sync caller already has the error), retried later with backoff, or dead when its attempts ran out.
 */
export async function runAttempt(
  deps: AttemptDeps,
  event: WebhookEvent,
  mode: 'sync' | 'async',
  start: AttemptStart,
): Promise<AttemptResult> {
  const lease = deps.leases.keep({ eventId: event.id, attempt: event.attempts, since: start.leaseSince });
  let settling: Promise<unknown> | undefined;
  try {
    const outcome = await inProcessSpan(deps.tracing, event, mode, async (span) =>
      describeAttempt(span, await attempt(deps, event, mode, start, lease)),
    );
    settling = outcome.settling;
    return outcome.result;
  } finally {
    if (settling) void settling.then(lease.stop, lease.stop);
    else lease.stop();
  }
}

async function attempt(
  deps: AttemptDeps,
  event: WebhookEvent,
  mode: 'sync' | 'async',
  start: AttemptStart,
  lease: LeaseKeeper,
): Promise<{ result: AttemptResult; settling: Promise<unknown> }> {
  const started = performance.now();
  const { config, attemptId } = await start.opened;
  const executed = !config
    ? notRun(
        event.configId === null
          ? `No enabled configuration has the key ${event.configKey}`
          : `Configuration ${event.configId} no longer exists`,
      )
    : event.attempts > event.maxAttempts
      ? notRun('Not run: its attempts ran out, the last one cut off before it finished')
      : await execute(deps, event, config, start.body, lease.signal);
  // Nothing of the execution leaves unredacted: not the answer, not the stored attempt, not the log.
  const result = outwardOutcome(executed, config);
  const errors = result.success ? null : result.errors.length > 0 ? [...result.errors] : ['Execution failed'];
  const now = deps.clock();
  if (config && !result.success && result.retryAfterMs !== undefined) await noteBackOff(deps, config, result.retryAfterMs);
  const verdict = judgeAttempt(
    {
      mode,
      attempt: event.attempts,
      maxAttempts: event.maxAttempts,
      configured: config !== undefined,
      errors,
      retryAfterMs: result.success ? undefined : result.retryAfterMs,
    },
    now,
    deps.policy,
    deps.random,
  );
  const finish: AttemptFinish = {
    outcome: verdict.outcome,
    finishedAt: now,
    durationMs: performance.now() - started,
    errors,
    logs: result.logs.map(logLine),
    steps: result.steps.length > 0 ? result.steps.map(step) : null,
  };
  const data = result.success ? result.data : null;
  const httpResponse = directResponse(result.httpResponse);
  const settlement: EventSettlement =
    verdict.outcome === 'succeeded' ? { status: 'succeeded', result: data, httpResponse, at: now } : verdict.settlement;
  // A failed attempt is worth an operator's look: warn, with what went wrong.
  deps.log[errors ? 'warn' : 'info'](
    {
      eventId: event.id,
      key: event.configKey,
      attempt: event.attempts,
      mode,
      status: settlement.status,
      durationMs: finish.durationMs,
      ...(errors && { errors }),
    },
    'webhook event attempt finished',
  );
  const settle = () =>
    settleWithRetries(
      deps,
      lease,
      { id: attemptId, finish },
      { id: event.id, owner: deps.workerId, attempt: event.attempts, settlement },
    );
  const settling = settlement.status === 'dead' ? inSettleSpan(deps.tracing, event, settle) : settle();
  const settled = mode === 'sync' ? await Promise.race([settling, delay(syncSettleWaitMs(deps.policy.leaseMs))]) : await settling;
  const attemptResult: AttemptResult =
    settled === undefined
      ? { kind: 'unsettled' }
      : errors
        ? { kind: 'failed', errors, settlement: settlement.status }
        : { kind: 'succeeded', data, httpResponse };
  return { result: attemptResult, settling };
}

/** The configuration's next runs wait too (on the database clock, every process): a failure to note it only costs that. */
async function noteBackOff(deps: AttemptDeps, config: WebhookConfig, retryAfterMs: number): Promise<void> {
  await backOffConfiguration(deps.db, config.id, retryAfterMs).catch((error: unknown) =>
    deps.log.warn({ err: error, configId: config.id }, 'cannot note the back-off a target asked for'),
  );
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

type NotRun = Pick<ExecutionOutcome, 'success' | 'data' | 'errors' | 'httpResponse' | 'logs' | 'steps' | 'retryAfterMs'>;

function notRun(error: string): NotRun {
  return { success: false, data: null, errors: [error], httpResponse: null, logs: [], steps: [] };
}

/**
 * Calls the ExecutionService, stopped when the event's lease is lost or could not be extended (see
 * createLeaseKeepers) so that no second worker can start it meanwhile. The config's own `timeoutMs` is the
 * executors' to apply (their results then say what ran); without one, LEASE_MS bounds the execution
 * as it did before leases were extended.
 */
async function execute(
  deps: AttemptDeps,
  event: WebhookEvent,
  config: WebhookConfig,
  body: JsonValue | undefined,
  leaseSignal: AbortSignal,
): Promise<ExecutionOutcome | NotRun> {
  if (leaseSignal.aborted) return notRun('Not run: its lease ran out before the execution could start');
  const defaultLimitMs =
    config.timeoutMs === null ? Math.floor(deps.policy.leaseMs - leaseMarginMs(deps.policy.leaseMs)) : undefined;
  return withTimeLimit(leaseSignal, defaultLimitMs, async (signal) => {
    try {
      const outcome = await untilAborted(deps.execution.execute(buildExecutionJob(event, config, body), { signal }), signal);
      if (outcome !== 'aborted') return outcome;
      return notRun(cutOffReason());
    } catch (error) {
      // The call rejects once the signal aborts: that is the cut-off, not a failure of the call.
      if (signal.aborted) return notRun(cutOffReason());
      // The detail (an executor process's address, a transport error) is logged, never stored or
      // answered: a sync webhook's caller sees the stored errors.
      deps.log.warn({ err: error, eventId: event.id }, 'execution call failed');
      return notRun('The execution could not be run: the executors failed to answer');
    }
  });

  function cutOffReason(): string {
    return leaseSignal.aborted
      ? 'Execution stopped: its lease could not be extended'
      : `Execution cut off after ${defaultLimitMs} ms (LEASE_MS; set the configuration's timeoutMs to allow more)`;
  }
}

function directResponse(response: DirectHttpResponse | null): DirectHttpResponse | null {
  return response && response.status >= 100 && response.status <= 599 ? response : null;
}

function logLine(line: ExecutionOutcome['logs'][number]): JsonValue {
  return { level: line.level, message: line.message, at: line.at.toISOString() };
}

function step(result: Required<StepOutcome>): JsonValue {
  return {
    commandName: result.commandName,
    success: result.success,
    data: result.data,
    error: result.error,
    durationMs: result.durationMs,
  };
}
