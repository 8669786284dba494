import type { JsonValue } from '@bufbuild/protobuf';

const maxKeyLength = 200;

/**
 * The idempotency key of a request and where it came from: the configured `header:<name>` or
 * `body:<json-pointer>` when set, else `Idempotency-Key`, else `webhook-id`. Undefined when none.
 */
export function extractIdempotencyKey(
  setting: string | null,
  headers: Readonly<Record<string, string>>,
  body: JsonValue,
): { key: string; source: string } | undefined {
  const candidates: [string, string | undefined][] = [];
  if (setting?.startsWith('header:')) candidates.push([setting, headers[setting.slice(7).toLowerCase()]]);
  if (setting?.startsWith('body:')) candidates.push([setting, scalarText(resolvePointer(body, setting.slice(5)))]);
  candidates.push(['header:idempotency-key', headers['idempotency-key']], ['header:webhook-id', headers['webhook-id']]);
  for (const [source, value] of candidates) {
    const key = value?.trim();
    if (key) return { key: key.slice(0, maxKeyLength), source };
  }
  return undefined;
}

/** RFC 6901 JSON pointer. */
export function resolvePointer(value: JsonValue, pointer: string): JsonValue | undefined {
  if (pointer === '') return value;
  let current: JsonValue | undefined = value;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) current = /^\d+$/.test(token) ? current[Number(token)] : undefined;
    else if (typeof current === 'object' && current !== null) current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

function scalarText(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
