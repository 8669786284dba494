import { fromJson, toJson, type JsonObject, type JsonValue } from '@bufbuild/protobuf';
import { NullValue, ValueSchema, type ListValue, type Struct, type Value } from '@bufbuild/protobuf/wkt';

/**
 * `fromJson(ValueSchema, json)` and `toJson(ValueSchema, value)` without protobuf-es's reflection:
 * every webhook that runs a command taking a `google.protobuf.Value` (EchoCommand, module commands)
 * converts its whole context in and its result out, and the reflective `create` per node made that
 * ~14 µs of a 660-byte payment notification. The messages are the plain objects `create` makes
 * (proto3: no prototype). Anything the fast path does not expect (a depth near the library's
 * recursion limit, a value that is not JSON, a NaN) is handed to protobuf-es, so errors stay its own.
 */
export function valueFromJson(json: JsonValue): Value {
  try {
    return fastValue(json, 0);
  } catch (error) {
    if (error !== notPlainJson) throw error;
    return fromJson(ValueSchema, json);
  }
}

/** The JSON of a `google.protobuf.Value`, as `toJson(ValueSchema, value)` writes it. */
export function valueToJson(value: Value): JsonValue {
  try {
    return fastJson(value, 0);
  } catch (error) {
    if (error !== notPlainJson) throw error;
    return toJson(ValueSchema, value);
  }
}

const notPlainJson = new Error('not plain JSON: use protobuf-es');

/** Well inside protobuf-es's default recursion limit (100), which counts the outer message too. */
const maxDepth = 64;

function fastValue(json: JsonValue, depth: number): Value {
  if (depth > maxDepth) throw notPlainJson;
  switch (typeof json) {
    case 'number':
      return { $typeName: 'google.protobuf.Value', kind: { case: 'numberValue', value: json } };
    case 'string':
      return { $typeName: 'google.protobuf.Value', kind: { case: 'stringValue', value: json } };
    case 'boolean':
      return { $typeName: 'google.protobuf.Value', kind: { case: 'boolValue', value: json } };
    case 'object': {
      if (json === null) return { $typeName: 'google.protobuf.Value', kind: { case: 'nullValue', value: NullValue.NULL_VALUE } };
      if (Array.isArray(json)) {
        const list: ListValue = { $typeName: 'google.protobuf.ListValue', values: [] };
        for (const item of json) list.values.push(fastValue(item, depth + 1));
        return { $typeName: 'google.protobuf.Value', kind: { case: 'listValue', value: list } };
      }
      const struct: Struct = { $typeName: 'google.protobuf.Struct', fields: {} };
      for (const key of Object.keys(json)) struct.fields[key] = fastValue((json as JsonObject)[key] as JsonValue, depth + 1);
      return { $typeName: 'google.protobuf.Value', kind: { case: 'structValue', value: struct } };
    }
    default:
      throw notPlainJson;
  }
}

function fastJson(value: Value, depth: number): JsonValue {
  if (depth > maxDepth) throw notPlainJson;
  const kind = value.kind;
  switch (kind.case) {
    case 'nullValue':
      return null;
    case 'numberValue':
      if (!Number.isFinite(kind.value)) throw notPlainJson;
      return kind.value;
    case 'boolValue':
    case 'stringValue':
      return kind.value;
    case 'structValue': {
      const json: JsonObject = {};
      const fields = kind.value.fields;
      for (const key of Object.keys(fields)) json[key] = fastJson(fields[key] as Value, depth + 1);
      return json;
    }
    case 'listValue':
      return kind.value.values.map((item) => fastJson(item, depth + 1));
    default:
      throw notPlainJson;
  }
}
