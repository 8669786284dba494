import { ScalarType, toJson, type DescMessage, type JsonObject, type JsonValue, type MessageShape } from '@bufbuild/protobuf';
import { ValueSchema, type Value } from '@bufbuild/protobuf/wkt';
import { valueToJson } from './value-json.js';

const int64Types = new Set([ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64]);

/**
 * Protobuf JSON as the legacy envelope wants it: every field written (false, 0 and "" included), and
 * 64-bit integers as JSON numbers rather than the strings proto3 JSON uses. ids stay well below 2^53.
 * The execution target's `target` oneof is left out: legacy callers read the same target in the flat
 * fields (`executionType` and one field per type) beside it, and their answers stay as they were.
 */
export function messageToJson<D extends DescMessage>(schema: D, message: MessageShape<D>): JsonValue {
  if ((schema as DescMessage) === ValueSchema) return valueToJson(message as Value);
  return int64AsNumbers(schema, toJson(schema, message, { alwaysEmitImplicit: true }));
}

const legacyOmittedOneof = 'target';

function int64AsNumbers(schema: DescMessage, json: JsonValue): JsonValue {
  if (schema.typeName.startsWith('google.protobuf.') || !isObject(json)) return json;
  for (const field of schema.fields) {
    if (field.oneof?.name === legacyOmittedOneof) {
      delete json[field.jsonName];
      continue;
    }
    const value = json[field.jsonName];
    if (value === undefined || value === null) continue;
    switch (field.fieldKind) {
      case 'scalar':
        if (int64Types.has(field.scalar)) json[field.jsonName] = Number(value);
        break;
      case 'message':
        int64AsNumbers(field.message, value);
        break;
      case 'list':
        if (!Array.isArray(value)) break;
        if (field.listKind === 'message') for (const item of value) int64AsNumbers(field.message, item);
        if (field.listKind === 'scalar' && int64Types.has(field.scalar)) json[field.jsonName] = value.map(Number);
        break;
      case 'enum':
      case 'map':
        break;
      default:
        field satisfies never;
    }
  }
  return json;
}

function isObject(json: JsonValue): json is JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}
