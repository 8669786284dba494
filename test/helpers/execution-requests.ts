import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { type ExecutionTargetCase, targetFromLegacyFields } from '../../src/domain/execution-target.js';
import { permissions } from '../../src/domain/permissions.js';
import type { ExecutionJob, ExecutionOutcome } from '../../src/executors/execution-job.js';

/** An execution job for a JSON webhook, as the router would build it. */
export function executionRequest(
  fields: {
    executionType: number;
    commandName?: string;
    commandChain?: { commandName: string; parameters?: JsonObject }[];
    executionCode?: string;
    configId?: number;
    configVersion?: number;
    timeoutMs?: number;
    /** The configuration's authority; every permission unless given. */
    permissions?: readonly string[];
  },
  body: JsonValue = { event: 'charge.success', data: { amount: 5000, reference: 'ref-1' } },
): ExecutionJob {
  return {
    configId: fields.configId ?? 0,
    configVersion: fields.configVersion ?? 0,
    // The legacy flat fields read as a stored row is read, so a chain may be "A,B,C".
    target: targetFromLegacyFields({
      executionType: fields.executionType,
      commandName: fields.commandName ?? null,
      commandChain:
        fields.commandChain?.map((step) => ({ commandName: step.commandName, parameters: step.parameters ?? {} })) ?? null,
      executionCode: fields.executionCode ?? null,
      processDefinitionId: null,
      processAction: null,
      messageName: null,
      correlationKey: null,
    }),
    timeoutMs: fields.timeoutMs,
    responseMode: 'sync',
    permissions: fields.permissions ?? permissions,
    context: {
      body,
      rawBody: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
      query: {},
      method: 'POST',
      path: 'paystack/charge',
      key: 'paystack-charge',
      clientIp: '52.31.139.75',
      eventId: 7,
      receivedAt: '2026-11-28T10:00:00.000Z',
      attempt: 1,
      fields: {},
    },
  };
}

/** A job of one kind, for calling that kind's executor itself; throws when the job is of another kind. */
export function jobOf<C extends ExecutionTargetCase>(kind: C, job: ExecutionJob): ExecutionJob<C> {
  if (job.target.case !== kind) throw new Error(`a ${job.target.case} job, not ${kind}`);
  return job as ExecutionJob<C>;
}

/** A script job; `configId` defaults to 0 (cached by the hash of its code). */
export function scriptRequest(code: string, fields: { configId?: number; configVersion?: number; timeoutMs?: number } = {}) {
  return executionRequest({ executionType: 2, executionCode: code, ...fields });
}

/** The outcome's data (null on failure). */
export function dataOf(result: ExecutionOutcome): JsonValue {
  return result.data;
}
