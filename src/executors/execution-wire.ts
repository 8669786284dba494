import { create, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { Code, ConnectError } from '@connectrpc/connect';
import { ValueSchema, timestampDate, timestampFromDate, type Value } from '@bufbuild/protobuf/wkt';
import {
  ExecutionRequestSchema,
  ExecutionResultSchema,
  type ExecutionRequest,
  type ExecutionResult,
} from '../../gen/bpm/webhooks/v1/execution_pb.js';
import {
  caseOfExecutionType,
  type ExecutionTarget,
  targetFromLegacyFields,
  toLegacyTargetFields,
} from '../domain/execution-target.js';
import type { ExecutionJob, ExecutionOutcome } from './execution-job.js';
import { targetFromMessage, toTargetMessage } from './execution-target-message.js';

// The ExecutionService's messages, used only between this service and an executor process
// (EXECUTOR_URL). JSON goes as JSON text in the `*_json` fields; the google.protobuf.Value fields
// are read only when those are empty, i.e. from a peer that predates them.

/** A job as the ExecutionRequest sent to an executor process. */
export function toExecutionRequest(job: ExecutionJob): ExecutionRequest {
  const { context } = job;
  return create(ExecutionRequestSchema, {
    configId: BigInt(job.configId),
    configVersion: job.configVersion,
    ...legacyTargetRequest(job.target),
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
      body: jsonOf(context?.bodyJson, context?.body) ?? null,
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

/** A target in the request's legacy flat fields, for an executor process that predates the oneof. */
function legacyTargetRequest(target: ExecutionTarget) {
  const fields = toLegacyTargetFields(target);
  return {
    executionType: fields.executionType,
    commandName: fields.commandName ?? '',
    commandChain: (fields.commandChain ?? []).map((step) => ({
      commandName: step.commandName,
      parameters: step.parameters as JsonObject,
    })),
    executionCode: fields.executionCode ?? '',
    ...(fields.processDefinitionId !== null && { processDefinitionId: BigInt(fields.processDefinitionId) }),
    processAction: fields.processAction ?? '',
    messageName: fields.messageName ?? '',
    correlationKey: fields.correlationKey ?? '',
  };
}

/** The target a request's oneof names, else (a sender that predates it) its legacy flat fields; a type no kind has is refused. */
function targetOfRequest(request: ExecutionRequest): ExecutionTarget {
  if (request.target.case !== undefined) return targetFromMessage(request.target);
  if (caseOfExecutionType(request.executionType) === undefined) {
    throw new ConnectError(`Unknown execution type ${request.executionType}`, Code.InvalidArgument);
  }
  return targetFromLegacyFields({
    executionType: request.executionType,
    commandName: emptyToNull(request.commandName),
    commandChain:
      request.commandChain.length > 0
        ? request.commandChain.map((step) => ({ commandName: step.commandName, parameters: step.parameters ?? {} }))
        : null,
    executionCode: emptyToNull(request.executionCode),
    processDefinitionId: request.processDefinitionId === undefined ? null : Number(request.processDefinitionId),
    processAction: emptyToNull(request.processAction),
    messageName: emptyToNull(request.messageName),
    correlationKey: emptyToNull(request.correlationKey),
  });
}

function emptyToNull(value: string): string | null {
  return value === '' ? null : value;
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
    data: result.success ? (jsonOf(result.dataJson, result.data) ?? null) : null,
    errors: result.errors,
    httpResponse: response
      ? { status: response.status, headers: { ...response.headers }, body: jsonOf(response.bodyJson, response.body) ?? null }
      : null,
    logs: result.logs.map((line) => ({
      level: line.level,
      message: line.message,
      at: line.at ? timestampDate(line.at) : new Date(0),
    })),
    steps: result.steps.map((step) => ({
      commandName: step.commandName,
      success: step.success,
      data: jsonOf(step.dataJson, step.data) ?? null,
      error: step.error,
      durationMs: step.durationMs,
    })),
    durationMs: result.durationMs,
    ...(!result.success && result.retryAfterMs !== undefined && { retryAfterMs: Number(result.retryAfterMs) }),
  };
}

/** A JSON field's value: its text when set, else the older google.protobuf.Value, else undefined. */
function jsonOf(text: string | undefined, value: Value | undefined): JsonValue | undefined {
  if (text) return JSON.parse(text) as JsonValue;
  return value ? toJson(ValueSchema, value) : undefined;
}
