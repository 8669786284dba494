import { fromJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
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

/** protobuf-es names the field in its message; drop the package so the sentence reads plainly. */
function describeJsonError(error: unknown, type: string): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/^cannot decode message bpm\.webhooks\.v1\.BpmCommand from JSON: /, '').replaceAll('bpm.webhooks.v1.', '') || `Invalid ${type}`;
}
