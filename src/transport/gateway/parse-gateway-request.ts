import { fromJson, type DescMessage, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { BpmCommandSchema, type BpmCommand } from '../../../gen/bpm/webhooks/v1/bpm_service_pb.js';
import { invalidArgument } from '../../errors.js';

/** The oneof members of BpmCommand by their message name, which is the `$type`. */
const membersByType = new Map(
  BpmCommandSchema.oneofs[0]!.fields.map((field) => [field.message?.name ?? field.name, field.jsonName]),
);

/**
 * Reads `{"$type": "X", ...fields}` or the older `{"cmd": "X", "data": {...fields}}` into the
 * BpmCommand envelope with protobuf JSON rules: unknown fields and wrong types are refused.
 */
export function parseGatewayRequest(text: string): BpmCommand {
  const json = parseJson(text);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidArgument('Invalid request', ['The body must be a JSON object']);
  }
  const { type, fields } = splitType(json);
  const member = membersByType.get(type);
  if (!member) throw invalidArgument('Unknown command type', [`"${type.slice(0, 100)}" is not a known $type`]);
  try {
    return fromJson(BpmCommandSchema, { [member]: fields });
  } catch (error) {
    throw invalidArgument('Validation failed', [describeJsonError(error, type)]);
  }
}

function parseJson(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw invalidArgument('Malformed JSON', [(error as Error).message]);
  }
}

function splitType(json: JsonObject): { type: string; fields: JsonValue } {
  const { $type, cmd, ...rest } = json;
  if (typeof $type === 'string' && $type !== '') return { type: $type, fields: rest };
  if (typeof cmd === 'string' && cmd !== '') {
    const { data = {}, ...others } = rest;
    if (Object.keys(others).length > 0) {
      throw invalidArgument('Invalid request', ['With "cmd", the command\'s fields go inside "data"']);
    }
    return { type: cmd, fields: data };
  }
  throw invalidArgument('Missing $type', ['The body must name its command in "$type" (or "cmd")']);
}

/**
 * protobuf-es names fields by their proto names ("cannot decode field X.execution_type from JSON: ...");
 * callers wrote JSON names, so answer in those: `"executionType": expected number (int32), got "zero"`.
 */
function describeJsonError(error: unknown, type: string): string {
  const text = error instanceof Error ? error.message : String(error);
  const badField = /cannot decode field ([\w.]+)\.(\w+) from JSON: (.*)$/s.exec(text);
  if (badField) {
    const field = messagesByTypeName.get(badField[1]!)?.fields.find((f) => f.name === badField[2]);
    return `"${field?.jsonName ?? badField[2]}": ${badField[3]}`;
  }
  const unknownKey = /key "(.*)" is unknown/s.exec(text);
  if (unknownKey) return `"${unknownKey[1]!.slice(0, 100)}" is not a field of ${type}`;
  return `The body is not a valid ${type}`;
}

/** Every message a gateway request can contain, by full name. */
const messagesByTypeName = collectMessages(BpmCommandSchema, new Map<string, DescMessage>());

function collectMessages(schema: DescMessage, found: Map<string, DescMessage>): Map<string, DescMessage> {
  if (found.has(schema.typeName)) return found;
  found.set(schema.typeName, schema);
  for (const field of schema.fields) if (field.message) collectMessages(field.message, found);
  return found;
}
