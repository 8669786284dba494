import type { JsonValue } from '@bufbuild/protobuf';
import fc from 'fast-check';

/**
 * Code units PostgreSQL refuses in jsonb or text (NUL, unpaired surrogates), the store's own escape
 * character and what looks like its escapes, JSON's special characters, and any other code point.
 */
const unit = fc.oneof(
  fc.constantFrom('\u0000', '\uE000', '\uE0000000', '\uD800', '\uDFFF', '\\u0000', '"', '\\', '\u0001', '\u007F', '\uFFFF'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);

/** Strings made of those units. */
export const hostileString = (maxLength = 12) => fc.string({ unit, maxLength });

/** Strings as they can arrive through HTTP (URL and JSON decoding give no unpaired surrogates). */
export const wellFormedHostileString = (maxLength = 12) => hostileString(maxLength).filter((text) => !unpaired.test(text));

const unpaired = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** JSON values whose strings and keys are hostile, as they come back from JSON text (no -0). */
export const hostileJson = () =>
  fc.jsonValue({ maxDepth: 2, stringUnit: unit }).map((value) => JSON.parse(JSON.stringify(value)) as JsonValue);
