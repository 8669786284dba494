import { createHash } from 'node:crypto';
import type { JsonValue } from '@bufbuild/protobuf';

/** Keys up to this length are stored as sent; longer ones as `sha256:<hex>` of the whole key. */
const maxKeyLength = 200;

/** What of a configuration decides where its idempotency key comes from. */
export interface IdempotencySettings {
  readonly idempotencyKey: string | null;
  readonly verification: { readonly scheme: string } | null;
}

/**
 * The idempotency key of a request and where it came from: the configured `header:<name>` or
 * `body:<json-pointer>` when set (the operator chose it), else `Idempotency-Key`, else `webhook-id`.
 * Under a scheme that signs `webhook-id` (Standard Webhooks), `webhook-id` comes before the unsigned
 * `Idempotency-Key`: otherwise a captured request replayed with a fresh `Idempotency-Key` would run
 * again. A key longer than 200 characters becomes `sha256:<hex>` of the whole key, so two long keys
 * sharing a prefix stay distinct. Undefined when there is no key.
 */
export function extractIdempotencyKey(
  settings: IdempotencySettings,
  headers: Readonly<Record<string, string>>,
  body: JsonValue,
): { key: string; source: string } | undefined {
  const setting = settings.idempotencyKey;
  const candidates: [string, string | undefined][] = [];
  if (setting?.startsWith('header:')) candidates.push([setting, headers[setting.slice(7).toLowerCase()]]);
  if (setting?.startsWith('body:')) candidates.push([setting, scalarText(resolvePointer(body, setting.slice(5)))]);
  const idempotencyKey: [string, string | undefined] = ['header:idempotency-key', headers['idempotency-key']];
  const webhookId: [string, string | undefined] = ['header:webhook-id', headers['webhook-id']];
  const signsWebhookId = settings.verification?.scheme === 'standard-webhooks';
  candidates.push(...(signsWebhookId ? [webhookId, idempotencyKey] : [idempotencyKey, webhookId]));
  for (const [source, value] of candidates) {
    const key = value?.trim();
    if (key) return { key: storableKey(key), source };
  }
  return undefined;
}

function storableKey(key: string): string {
  return key.length <= maxKeyLength ? key : `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** RFC 6901 JSON pointer. */
export function resolvePointer(value: JsonValue, pointer: string): JsonValue | undefined {
  if (pointer === '') return value;
  let current: JsonValue | undefined = value;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (Array.isArray(current)) current = /^\d+$/.test(token) ? current[Number(token)] : undefined;
    else if (typeof current === 'object' && current !== null)
      current = Object.hasOwn(current, token) ? current[token] : undefined;
    else return undefined;
  }
  return current;
}

function scalarText(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
