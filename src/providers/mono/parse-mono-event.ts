import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import { koboOf } from '../to-kobo.js';
import type { ProviderItem } from '../provider-preset.js';

/** The event families Mono sends, by event-name prefix; the first that matches wins. */
const families = [
  ['events.mandates.debit.', 'mandate-debit'],
  ['events.mandates.', 'mandate'],
  ['direct_debit.', 'direct-debit'],
  ['mono.events.', 'account'],
] as const;

/**
 * A Mono notification `{event, data, event_id?, timestamp?}`: deduplicated on `event_id`, else on
 * the SHA-256 of the raw body; the event name, family, provider ids and amount (kobo) normalised.
 */
export function parseMonoEvent(
  body: JsonValue,
  rawBody: Buffer,
): { ok: true; items: ProviderItem[] } | { ok: false; error: string } {
  if (!isObject(body)) return { ok: false, error: 'A Mono notification is a JSON object' };
  const event = body.event;
  if (typeof event !== 'string' || event.trim() === '') return { ok: false, error: 'A Mono notification needs an event name' };
  const data = isObject(body.data) ? body.data : {};
  const eventId = text(body.event_id);
  const family = families.find(([prefix]) => event.startsWith(prefix))?.[1] ?? 'other';
  const fields = compact({
    event,
    family,
    accountId: accountIdOf(data, family),
    mandateId: text(data.mandate) ?? text(data.mandate_id) ?? (family === 'mandate' ? text(data.id) : undefined),
    customerId:
      idOf(data.customer) ?? text(data.customer_id) ?? (isObject(data.account) ? idOf(data.account.customer) : undefined),
    reference: text(data.reference) ?? text(data.reference_number) ?? text(data.ref),
    amountKobo: koboOf(data.amount),
    status: text(data.status),
    eventId,
    timestamp: text(body.timestamp),
  });
  const item: ProviderItem = eventId
    ? { rawBody, idempotencyKey: eventId, keySource: 'body:event_id', fields }
    : {
        rawBody,
        idempotencyKey: `sha256:${createHash('sha256').update(rawBody).digest('hex')}`,
        keySource: 'body:sha256',
        fields,
      };
  return { ok: true, items: [item] };
}

function accountIdOf(data: JsonObject, family: string): string | undefined {
  const account = data.account;
  if (isObject(account)) return text(account._id) ?? text(account.id);
  return text(account) ?? text(data.account_id) ?? (family === 'account' ? text(data.id) : undefined);
}

/** An id given as a string, a number, or an object with `id`/`_id`. */
function idOf(value: JsonValue | undefined): string | undefined {
  return isObject(value) ? (text(value.id) ?? text(value._id)) : text(value);
}

function text(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compact(fields: Record<string, string | number | undefined>): JsonObject {
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}
