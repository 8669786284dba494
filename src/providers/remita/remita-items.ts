import type { JsonObject, JsonValue } from '@bufbuild/protobuf';

/** The notifications of a Remita body: one object or an array of objects; undefined when it is neither. */
export function remitaItems(body: JsonValue): JsonObject[] | undefined {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0 || !items.every(isObject)) return undefined;
  return items as JsonObject[];
}

/** A field read case-insensitively under any of its names; numbers as text; blank is absent. */
export function readField(item: JsonObject, names: readonly string[]): string | undefined {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  for (const [name, value] of Object.entries(item)) {
    if (!wanted.has(name.toLowerCase())) continue;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** An item's own bytes: the request's when it is alone, else its JSON. */
export function itemBytes(item: JsonObject, count: number, rawBody: Buffer): Buffer {
  return count === 1 && !rawBody.toString('utf8').trimStart().startsWith('[') ? rawBody : Buffer.from(JSON.stringify(item));
}

function isObject(value: JsonValue): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
