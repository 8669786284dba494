import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { valueFromJson, valueToJson } from '../../src/commands/value-json.js';

const samples: JsonValue[] = [
  null,
  0,
  -1.5,
  'text',
  true,
  [],
  {},
  { event: 'payment.successful', data: { amount: 125000.5, payer: { name: 'Ada' }, items: [{ amount: 1 }, null, [true, 'x']] } },
  { '2': 'numeric keys first', b: 1, a: { '': '', 'with space': [] } },
];

function nested(depth: number): JsonValue {
  let json: JsonValue = 'leaf';
  for (let i = 0; i < depth; i++) json = { next: [json] };
  return json;
}

describe('Value JSON without reflection', () => {
  it('makes the same messages as protobuf-es, and writes the same JSON back', () => {
    for (const json of [...samples, nested(25)]) {
      const message = valueFromJson(json);
      expect(message).toStrictEqual(fromJson(ValueSchema, json));
      expect(Object.keys(valueToJson(message) ?? {})).toEqual(Object.keys(toJson(ValueSchema, message) ?? {}));
      expect(valueToJson(message)).toStrictEqual(toJson(ValueSchema, message));
    }
  });

  it('leaves what it does not expect to protobuf-es, so its errors stay the same', () => {
    const tooDeep = nested(120);
    expect(() => valueFromJson(tooDeep)).toThrow(/maximum recursion depth/);
    expect(() => valueFromJson({ missing: undefined } as unknown as JsonValue)).toThrow(
      /cannot decode message google.protobuf.Value/,
    );
    expect(() => valueToJson(valueFromJson(Number.NaN))).toThrow(/cannot be NaN or Infinity/);
    expect(valueFromJson(nested(45))).toStrictEqual(fromJson(ValueSchema, nested(45)));
  });
});
