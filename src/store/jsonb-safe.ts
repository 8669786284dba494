import type { JsonValue } from '@bufbuild/protobuf';

/**
 * PostgreSQL (and PGlite) refuse `\u0000` and unpaired surrogates in `jsonb` and NUL in `text`, and
 * pg turns an unpaired surrogate into U+FFFD. Every string bound for those columns goes through
 * `escapeStoredText`: such code units, and the escape character itself, become the escape character
 * followed by four hex digits. A string without any of them is stored as it is, and
 * `unescapeStoredText` undoes the escape exactly, so what is read back equals what was written.
 */
const escapeChar = '\uE000';
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what jsonb cannot store, so it must be matched
const needsEscape = /[\u0000\uE000]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const escaped = /\uE000([0-9a-f]{4})/g;

export function escapeStoredText(text: string): string {
  needsEscape.lastIndex = 0;
  if (!needsEscape.test(text)) return text;
  return text.replace(needsEscape, (unit) => escapeChar + unit.charCodeAt(0).toString(16).padStart(4, '0'));
}

export function unescapeStoredText(text: string): string {
  if (!text.includes(escapeChar)) return text;
  return text.replace(escaped, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/**
 * What JSON.stringify writes for the code units escapeStoredText changes: NUL as `\u0000`, an
 * unpaired surrogate as `\udXXX` (lower-case), the escape character as itself. A match may be a false
 * alarm (an escaped backslash before "u0000"), never a miss.
 */
const escapableInJson = /\\u0000|\\ud[89a-f]|\uE000/;

/** A value as a `jsonb` parameter: JSON text with every string (keys too) escaped; null stays SQL NULL. */
export function toJsonbParam(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  // Almost no value holds such a code unit, and JSON.stringify with a replacer is several times slower.
  const text = JSON.stringify(value);
  return escapableInJson.test(text) ? JSON.stringify(value, escapeReplacer) : text;
}

/** Escapes strings as JSON.stringify meets them; an object copied only when one of its keys needs it. */
function escapeReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'string') return escapeStoredText(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((key) => escapeStoredText(key) === key)) return value;
  return Object.fromEntries(keys.map((key) => [escapeStoredText(key), (value as Record<string, unknown>)[key]]));
}

/** A `jsonb` column as read: every string unescaped (see escapeStoredText); copied only when one needs it. */
export function fromJsonbColumn<T>(value: T): T {
  return value === null || !holdsEscapeChar(value as JsonValue)
    ? value
    : (mapStrings(value as JsonValue, unescapeStoredText) as T);
}

function holdsEscapeChar(value: JsonValue): boolean {
  if (typeof value === 'string') return value.includes(escapeChar);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(holdsEscapeChar);
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (key.includes(escapeChar) || (item !== undefined && holdsEscapeChar(item))) return true;
  }
  return false;
}

function mapStrings(value: JsonValue, map: (text: string) => string): JsonValue {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (value === null || typeof value !== 'object') return value;
  // fromEntries defines own properties: a key named "__proto__" stays a key (assigning it would set the prototype).
  return Object.fromEntries(
    Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : [[map(key), mapStrings(item, map)]])),
  ) as JsonValue;
}
