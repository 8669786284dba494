import { create, fromJson, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema, timestampFromDate } from '@bufbuild/protobuf/wkt';
import { ExecutionRequestSchema, type ExecutionResult } from '../../gen/bpm/webhooks/v1/execution_pb.js';

/** An ExecutionRequest for a JSON webhook, as the router would build it. */
export function executionRequest(
  fields: {
    executionType: number;
    commandName?: string;
    commandChain?: { commandName: string; parameters?: JsonObject }[];
    executionCode?: string;
    configId?: bigint;
    configVersion?: number;
    timeoutMs?: number;
  },
  body: JsonValue = { event: 'charge.success', data: { amount: 5000, reference: 'ref-1' } },
) {
  const raw = JSON.stringify(body);
  return create(ExecutionRequestSchema, {
    ...fields,
    context: {
      body: fromJson(ValueSchema, body),
      rawBody: new TextEncoder().encode(raw),
      headers: { 'content-type': 'application/json' },
      method: 'POST',
      path: 'paystack/charge',
      key: 'paystack-charge',
      clientIp: '52.31.139.75',
      eventId: 7n,
      receivedAt: timestampFromDate(new Date('2026-11-28T10:00:00Z')),
      attempt: 1,
    },
  });
}

/** A script request; `configId` defaults to 0 (cached by the hash of its code). */
export function scriptRequest(code: string, fields: { configId?: bigint; configVersion?: number; timeoutMs?: number } = {}) {
  return executionRequest({ executionType: 2, executionCode: code, ...fields });
}

/** The result's data as JSON. */
export function dataOf(result: ExecutionResult): JsonValue {
  return result.data ? toJson(ValueSchema, result.data) : null;
}
