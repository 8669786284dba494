import { create, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  ExecutionRequestSchema,
  ExecutionResultSchema,
  type ExecutionRequest,
  type ExecutionResult,
} from '../../gen/bpm/webhooks/v1/execution_pb.js';
import type { ExecutionTarget } from '../domain/execution-target.js';
import type { ExecutionJob, ExecutionOutcome } from './execution-job.js';
import { targetFromMessage, toTargetMessage } from './execution-target-message.js';

// The ExecutionService's messages, used only between this service and an executor process
// (EXECUTOR_URL) of the same release. JSON goes as JSON text in the `*_json` fields and the target
// as the `target` oneof; the deprecated google.protobuf.Value and flat target fields are never used.

/** A job as the ExecutionRequest sent to an executor process. */
export function toExecutionRequest(job: ExecutionJob): ExecutionRequest {
  const { context } = job;
  return create(ExecutionRequestSchema, {
    configId: BigInt(job.configId),
    configVersion: job.configVersion,
    target: toTargetMessage(job.target),
    ...(job.timeoutMs !== undefined && { timeoutMs: job.timeoutMs }),
    responseMode: job.responseMode,
    permissions: [...job.permissions],
    context: {
      bodyJson: JSON.stringify(context.body),
      rawBody: Buffer.from(context.rawBody, 'utf8'),
      headers: context.headers,
      query: context.query,
      method: context.method,
      path: context.path,
      key: context.key,
      clientIp: context.clientIp,
      eventId: BigInt(context.eventId),
      ...(context.receivedAt !== null && { receivedAt: timestampFromDate(new Date(context.receivedAt)) }),
      attempt: context.attempt,
      fields: context.fields,
    },
  });
}

/** A received ExecutionRequest as the job the executors run. */
export function jobFromRequest(request: ExecutionRequest): ExecutionJob {
  const context = request.context;
  return {
    configId: Number(request.configId),
    configVersion: request.configVersion,
    target: targetOfRequest(request),
    timeoutMs: request.timeoutMs,
    responseMode: request.responseMode === 'async' ? 'async' : 'sync',
    permissions: request.permissions,
    context: {
      body: jsonOf(context?.bodyJson),
      rawBody: Buffer.from(context?.rawBody ?? []).toString('utf8'),
      headers: { ...context?.headers },
      query: { ...context?.query },
      method: context?.method ?? '',
      path: context?.path ?? '',
      key: context?.key ?? '',
      clientIp: context?.clientIp ?? '',
      eventId: Number(context?.eventId ?? 0n),
      receivedAt: context?.receivedAt ? timestampDate(context.receivedAt).toISOString() : null,
      attempt: context?.attempt ?? 0,
      fields: context?.fields ?? {},
    },
  };
}

/** The target the request's oneof names; a request without one is refused. */
function targetOfRequest(request: ExecutionRequest): ExecutionTarget {
  if (request.target.case === undefined) throw new ConnectError('The request names no target', Code.InvalidArgument);
  return targetFromMessage(request.target);
}

/** An outcome as the ExecutionResult an executor process answers with. */
export function toExecutionResult(outcome: ExecutionOutcome): ExecutionResult {
  const response = outcome.httpResponse;
  return create(ExecutionResultSchema, {
    success: outcome.success,
    dataJson: outcome.success ? JSON.stringify(outcome.data) : '',
    errors: [...outcome.errors],
    ...(response && {
      httpResponse: { status: response.status, headers: response.headers, bodyJson: JSON.stringify(response.body) },
    }),
    logs: outcome.logs.map((line) => ({ level: line.level, message: line.message, at: timestampFromDate(line.at) })),
    steps: outcome.steps.map((step) => ({
      commandName: step.commandName,
      success: step.success,
      dataJson: step.success ? JSON.stringify(step.data) : '',
      error: step.error,
      durationMs: step.durationMs,
    })),
    durationMs: outcome.durationMs,
    ...(outcome.retryAfterMs !== undefined && { retryAfterMs: BigInt(Math.round(outcome.retryAfterMs)) }),
  });
}

/** A received ExecutionResult as the outcome the delivery code stores and answers. */
export function outcomeFromResult(result: ExecutionResult): ExecutionOutcome {
  const response = result.httpResponse;
  return {
    success: result.success,
    data: result.success ? jsonOf(result.dataJson) : null,
    errors: result.errors,
    httpResponse: response
      ? { status: response.status, headers: { ...response.headers }, body: jsonOf(response.bodyJson) }
      : null,
    logs: result.logs.map((line) => ({
      level: line.level,
      message: line.message,
      at: line.at ? timestampDate(line.at) : new Date(0),
    })),
    steps: result.steps.map((step) => ({
      commandName: step.commandName,
      success: step.success,
      data: jsonOf(step.dataJson),
      error: step.error,
      durationMs: step.durationMs,
    })),
    durationMs: result.durationMs,
    ...(!result.success && result.retryAfterMs !== undefined && { retryAfterMs: Number(result.retryAfterMs) }),
  };
}

/** A `*_json` field's value; null when it is empty (a failed step's data). */
function jsonOf(text: string | undefined): JsonValue {
  return text ? (JSON.parse(text) as JsonValue) : null;
}
