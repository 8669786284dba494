import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema, timestampDate } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ExecutionResult, ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { DirectHttpResponse, WebhookEvent } from '../domain/webhook-event.js';
import { untilAborted } from '../executors/execution-bounds.js';
import type { AttemptFinish } from '../store/webhook-event-attempts.js';
import type { EventSettlement } from '../store/webhook-events.js';
import { toExecutionRequest } from './execution-request.js';
import { keepLease, leaseMarginMs, type LeaseKeeper } from './lease-keeper.js';
import { retryDelayMs, type RetryPolicy } from './retry-delay.js';
import type { SettleAttempt } from './settle-batches.js';
import { settleWithRetries, syncSettleWaitMs } from './settle-with-retries.js';

export interface AttemptDeps {
  readonly db: Knex;
  readonly execution: Client<typeof ExecutionService>;
  readonly clock: () => Date;
  readonly random: () => number;
  readonly log: Logger;
  /** Identifies this process in leases and attempt records. */
  readonly workerId: string;
  readonly policy: RetryPolicy & { readonly leaseMs: number };
  /** Writes attempts' ends and events' settlements, many in one statement (see settle-batches.ts). */
  readonly settle: SettleAttempt;
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
 * insertRunningWebhookEvent), or a claimed one's (see openClaimedAttempts), with the configuration
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
  const lease = keepLease({
    db: deps.db,
    log: deps.log,
    eventId: event.id,
    owner: deps.workerId,
    attempt: event.attempts,
    leaseMs: deps.policy.leaseMs,
    since: start.leaseSince,
  });
  let settling: Promise<unknown> | undefined;
  try {
    const outcome = await attempt(deps, event, mode, start.opened, lease);
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
  opened: OpenedAttempt | Promise<OpenedAttempt>,
  lease: LeaseKeeper,
): Promise<{ result: AttemptResult; settling: Promise<unknown> }> {
  const started = performance.now();
  const { config, attemptId } = await opened;
  const result = !config
    ? notRun(
        event.configId === null
          ? `No enabled configuration has the key ${event.configKey}`
          : `Configuration ${event.configId} no longer exists`,
      )
    : event.attempts > event.maxAttempts
      ? notRun('Not run: its attempts ran out, the last one cut off before it finished')
      : await execute(deps, event, config, lease.signal);
  const errors = result.success ? null : result.errors.length > 0 ? [...result.errors] : ['Execution failed'];
  const now = deps.clock();
  const finish: AttemptFinish = {
    outcome: result.success ? 'succeeded' : 'failed',
    finishedAt: now,
    durationMs: performance.now() - started,
    errors,
    logs: 'logs' in result ? result.logs.map(logLine) : null,
    steps: 'steps' in result && result.steps.length > 0 ? result.steps.map(step) : null,
  };
  const data = result.success && 'data' in result && result.data ? toJson(ValueSchema, result.data) : null;
  const httpResponse = 'httpResponse' in result ? directResponse(result.httpResponse) : null;
  const settlement: EventSettlement = errors
    ? mode === 'sync'
      ? { status: 'failed', errors, at: now }
      : event.attempts >= event.maxAttempts || !config
        ? { status: 'dead', errors, at: now }
        : { status: 'queued', errors, retryAt: new Date(now.getTime() + retryDelayMs(event.attempts, deps.policy, deps.random)) }
    : { status: 'succeeded', result: data, httpResponse, at: now };
  deps.log.info(
    {
      eventId: event.id,
      key: event.configKey,
      attempt: event.attempts,
      mode,
      status: settlement.status,
      durationMs: finish.durationMs,
    },
    'webhook event attempt finished',
  );
  const settling = settleWithRetries(
    deps,
    lease,
    { id: attemptId, finish },
    { id: event.id, owner: deps.workerId, attempt: event.attempts, settlement },
  );
  const settled = mode === 'sync' ? await Promise.race([settling, delay(syncSettleWaitMs(deps.policy.leaseMs))]) : await settling;
  const attemptResult: AttemptResult =
    settled === undefined
      ? { kind: 'unsettled' }
      : errors
        ? { kind: 'failed', errors, settlement: settlement.status }
        : { kind: 'succeeded', data, httpResponse };
  return { result: attemptResult, settling };
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

type NotRun = { success: false; errors: string[]; logs: []; steps: [] };

function notRun(error: string): NotRun {
  return { success: false, errors: [error], logs: [], steps: [] };
}

/**
 * Calls the ExecutionService, stopped when the event's lease is lost or could not be extended (see
 * keepLease) so that no second worker can start it meanwhile. The config's own `timeoutMs` is the
 * executors' to apply (their results then say what ran); without one, LEASE_MS bounds the execution
 * as it did before leases were extended.
 */
async function execute(
  deps: AttemptDeps,
  event: WebhookEvent,
  config: WebhookConfig,
  leaseSignal: AbortSignal,
): Promise<ExecutionResult | NotRun> {
  if (leaseSignal.aborted) return notRun('Not run: its lease ran out before the execution could start');
  const defaultLimitMs =
    config.timeoutMs === null ? Math.floor(deps.policy.leaseMs - leaseMarginMs(deps.policy.leaseMs)) : undefined;
  const signal = defaultLimitMs === undefined ? leaseSignal : AbortSignal.any([leaseSignal, AbortSignal.timeout(defaultLimitMs)]);
  try {
    const outcome = await untilAborted(deps.execution.execute(toExecutionRequest(event, config), { signal }), signal);
    if (outcome !== 'aborted') return outcome;
    return notRun(
      leaseSignal.aborted
        ? 'Execution stopped: its lease could not be extended'
        : `Execution cut off after ${defaultLimitMs} ms (LEASE_MS; set the configuration's timeoutMs to allow more)`,
    );
  } catch (error) {
    deps.log.warn({ err: error, eventId: event.id }, 'execution call failed');
    return notRun(error instanceof Error ? error.message : 'Execution failed');
  }
}

function directResponse(response: ExecutionResult['httpResponse']): DirectHttpResponse | null {
  if (!response || response.status < 100 || response.status > 599) return null;
  return {
    status: response.status,
    headers: { ...response.headers },
    body: response.body ? toJson(ValueSchema, response.body) : null,
  };
}

function logLine(line: ExecutionResult['logs'][number]): JsonValue {
  return { level: line.level, message: line.message, at: line.at ? timestampDate(line.at).toISOString() : null };
}

function step(result: ExecutionResult['steps'][number]): JsonValue {
  return {
    commandName: result.commandName,
    success: result.success,
    data: result.data ? toJson(ValueSchema, result.data) : null,
    error: result.error,
    durationMs: result.durationMs,
  };
}
