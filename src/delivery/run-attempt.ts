import { toJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema, timestampDate } from '@bufbuild/protobuf/wkt';
import type { Client } from '@connectrpc/connect';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ExecutionResult, ExecutionService } from '../../gen/bpm/webhooks/v1/execution_pb.js';
import type { WebhookConfig } from '../domain/webhook-config.js';
import type { DirectHttpResponse, WebhookEvent } from '../domain/webhook-event.js';
import { untilAborted } from '../executors/execution-bounds.js';
import { insertEventAttempt, markRunningAttemptsInterrupted, type AttemptFinish } from '../store/webhook-event-attempts.js';
import { findWebhookConfigById, findWebhookConfigByKey } from '../store/webhook-configs.js';
import { settleAttempt, type EventSettlement } from '../store/webhook-events.js';
import { toExecutionRequest } from './execution-request.js';
import { retryDelayMs, type RetryPolicy } from './retry-delay.js';

export interface AttemptDeps {
  readonly db: Knex;
  readonly execution: Client<typeof ExecutionService>;
  readonly clock: () => Date;
  readonly random: () => number;
  readonly log: Logger;
  /** Identifies this process in leases and attempt records. */
  readonly workerId: string;
  readonly policy: RetryPolicy & { readonly leaseMs: number };
}

/** How an attempt ended, and what it did to its event. */
export type AttemptResult =
  | { readonly kind: 'succeeded'; readonly data: JsonValue; readonly httpResponse: DirectHttpResponse | null }
  | { readonly kind: 'failed'; readonly errors: readonly string[]; readonly settlement: EventSettlement['status'] };

/** A sync event's first attempt, opened with the event itself (see insertRunningWebhookEvent). */
export interface OpenedAttempt {
  readonly config: WebhookConfig;
  readonly attemptId: number;
}

/**
 * Runs one attempt of an event this process holds the lease of: records its start (unless the
 * inbox opened it with the event), executes it through the ExecutionService within the deadline,
 * then records its end and settles the event in one statement: succeeded; or, on failure, failed
 * (a sync caller already has the error), retried later with backoff, or dead when its attempts ran out.
 */
export async function runAttempt(
  deps: AttemptDeps,
  event: WebhookEvent,
  mode: 'sync' | 'async',
  opened?: OpenedAttempt,
): Promise<AttemptResult> {
  const started = performance.now();
  const { config, attemptId } = opened ?? (await openAttempt(deps, event));
  const result = !config
    ? notRun(event.configId === null ? `No enabled configuration has the key ${event.configKey}` : `Configuration ${event.configId} no longer exists`)
    : event.attempts > event.maxAttempts
      ? notRun('Not run: its attempts ran out, the last one cut off before it finished')
      : await execute(deps, event, config);
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
    { eventId: event.id, key: event.configKey, attempt: event.attempts, mode, status: settlement.status, durationMs: finish.durationMs },
    'webhook event attempt finished',
  );
  if (!(await settleAttempt(deps.db, { id: attemptId, finish }, { id: event.id, owner: deps.workerId, attempt: event.attempts, settlement }))) {
    deps.log.warn({ eventId: event.id, attempt: event.attempts }, 'lease lost before the attempt settled; another worker owns the event');
  }
  return errors ? { kind: 'failed', errors, settlement: settlement.status } : { kind: 'succeeded', data, httpResponse };
}

/** Loads the current config of a claimed event and notes the attempt's start (and any earlier one cut off). */
async function openAttempt(deps: AttemptDeps, event: WebhookEvent): Promise<{ config: WebhookConfig | undefined; attemptId: number }> {
  const config = event.configId === null ? await reservedKeyConfig(deps, event) : await findWebhookConfigById(deps.db, event.configId);
  if (event.attempts > 1) await markRunningAttemptsInterrupted(deps.db, event.id, deps.clock());
  const attemptId = await insertEventAttempt(deps.db, {
    eventId: event.id,
    attempt: event.attempts,
    worker: deps.workerId,
    configVersion: config?.version ?? null,
    startedAt: deps.clock(),
  });
  return { config, attemptId };
}

/** A provider's event stored without a configuration (replayed since) runs with its reserved key's, when enabled. */
async function reservedKeyConfig(deps: AttemptDeps, event: WebhookEvent): Promise<WebhookConfig | undefined> {
  if (event.source === 'router') return undefined;
  const config = await findWebhookConfigByKey(deps.db, event.configKey);
  return config?.isEnabled ? config : undefined;
}

type NotRun = { success: false; errors: string[]; logs: []; steps: [] };

function notRun(error: string): NotRun {
  return { success: false, errors: [error], logs: [], steps: [] };
}

/**
 * Calls the ExecutionService, cut off before the event's lease runs out (its `availableAt` while it
 * is processing) so that no second worker can start it meanwhile.
 */
async function execute(deps: AttemptDeps, event: WebhookEvent, config: WebhookConfig): Promise<ExecutionResult | NotRun> {
  const leaseMargin = Math.min(5_000, deps.policy.leaseMs / 5);
  const leaseLeftMs = (event.availableAt?.getTime() ?? 0) - deps.clock().getTime() - leaseMargin;
  if (leaseLeftMs <= 0) return notRun('Not run: its lease ran out before the execution could start');
  // The config's own timeoutMs is the executors' to apply: their results then say what ran.
  const deadlineMs = Math.floor(leaseLeftMs);
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    const outcome = await untilAborted(deps.execution.execute(toExecutionRequest(event, config), { signal: deadline }), deadline);
    return outcome === 'aborted' ? notRun(`Execution cut off after ${deadlineMs} ms, before its lease ran out`) : outcome;
  } catch (error) {
    deps.log.warn({ err: error, eventId: event.id }, 'execution call failed');
    return notRun(error instanceof Error ? error.message : 'Execution failed');
  }
}

function directResponse(response: ExecutionResult['httpResponse']): DirectHttpResponse | null {
  if (!response || response.status < 100 || response.status > 599) return null;
  return { status: response.status, headers: { ...response.headers }, body: response.body ? toJson(ValueSchema, response.body) : null };
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
