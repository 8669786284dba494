import { toJson, type JsonObject } from '@bufbuild/protobuf';
import { ValueSchema, timestampDate } from '@bufbuild/protobuf/wkt';
import type { ExecutionContext } from '../../gen/bpm/webhooks/v1/execution_pb.js';

/** The context as executors hand it to commands and scripts: plain JSON, raw body as UTF-8 text. */
export function executionContextToJson(context: ExecutionContext | undefined): JsonObject {
  if (!context) return {};
  return {
    body: context.body ? toJson(ValueSchema, context.body) : null,
    rawBody: Buffer.from(context.rawBody).toString('utf8'),
    headers: { ...context.headers },
    query: { ...context.query },
    method: context.method,
    path: context.path,
    key: context.key,
    clientIp: context.clientIp,
    eventId: Number(context.eventId),
    receivedAt: context.receivedAt ? timestampDate(context.receivedAt).toISOString() : null,
    attempt: context.attempt,
    fields: context.fields ?? {},
  };
}
