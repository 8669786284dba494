import type { JsonValue } from '@bufbuild/protobuf';
import { resolvePointer } from './idempotency-key.js';

/** Keys up to this length are kept as sent; longer ones are refused as no key (see extractOrderingKey). */
const maxKeyLength = 200;

/**
 * The ordering key of a request: the value at the configuration's `header:<name>` or
 * `body:<json-pointer>` (a string or a number), trimmed. Undefined when the configuration sets none,
 * or the request does not carry it (such an event is not ordered), or it is longer than 200
 * characters or holds a NUL (not a key a provider sends; it must not make the index entry huge).
 */
export function extractOrderingKey(
  setting: string | null,
  headers: Readonly<Record<string, string>>,
  body: JsonValue,
): string | undefined {
  if (!setting) return undefined;
  const raw = setting.startsWith('header:')
    ? headers[setting.slice(7).toLowerCase()]
    : setting.startsWith('body:')
      ? scalarText(resolvePointer(body, setting.slice(5)))
      : undefined;
  const key = raw?.trim();
  if (!key || key.length > maxKeyLength || key.includes('\0')) return undefined;
  return key;
}

function scalarText(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The key as the queue scopes it: per configuration. */
export function scopedOrderingKey(configId: number, key: string): string {
  return `${configId}:${key}`;
}
