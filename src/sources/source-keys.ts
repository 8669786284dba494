import { createHash } from 'node:crypto';
import type { JsonValue } from '@bufbuild/protobuf';
import { resolvePointer } from '../router/idempotency-key.js';
import type { SourceEntry } from './source-entry.js';

/**
 * A request's dedup key by its source's catalog entry: its parts (`header:` or `body:`) joined with
 * `|`. Without a part (a body missing the field) or without a documented key, the SHA-256 of the raw
 * body, so a byte-identical retry is still dropped and distinct notifications never share a key.
 */
export function sourceDedupKey(
  entry: SourceEntry,
  headers: Readonly<Record<string, string>>,
  body: JsonValue,
  rawBody: Buffer,
): { key: string; source: string } {
  const parts = entry.dedupKey.map((part) => readPart(part, headers, body));
  if (parts.length > 0 && parts.every((part) => part !== undefined)) {
    return { key: storable(parts.join('|')), source: entry.dedupKey.join('+') };
  }
  return { key: `sha256:${createHash('sha256').update(rawBody).digest('hex')}`, source: 'body:sha256' };
}

/** The event type by the entry's `eventType`, or undefined. */
export function sourceEventType(
  entry: SourceEntry,
  headers: Readonly<Record<string, string>>,
  body: JsonValue,
): string | undefined {
  return entry.eventType === null ? undefined : readPart(entry.eventType, headers, body);
}

function readPart(part: string, headers: Readonly<Record<string, string>>, body: JsonValue): string | undefined {
  const value = part.startsWith('header:')
    ? headers[part.slice(7)]
    : part.startsWith('body:')
      ? scalar(resolvePointer(body, part.slice(5)))
      : undefined;
  const text = value?.trim();
  return text ? text : undefined;
}

function scalar(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function storable(key: string): string {
  return key.length <= 200 ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}
