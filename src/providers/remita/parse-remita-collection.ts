import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { ProviderItem } from '../provider-preset.js';
import { nairaToKobo } from '../to-kobo.js';
import { itemBytes, readField, remitaItems } from './remita-items.js';

/** Each normalised field and the names Remita uses for it, matched case-insensitively. */
const names = {
  customerId: ['customerId'],
  mandateId: ['mandateRef', 'mandateReference'],
  amount: ['amount', 'transactionAmount'],
  deductionDate: ['deductionDate', 'paymentDate'],
  status: ['paymentStatus', 'status'],
  reference: ['transactionRef', 'transactionReference'],
} as const;

/**
 * Remita collection (salary-deduction) notifications, one object or an array: deduplicated on the
 * transaction reference, else on mandate + date + amount. Unknown fields stay in the stored body.
 */
export function parseRemitaCollection(
  body: JsonValue,
  rawBody: Buffer,
): { ok: true; items: ProviderItem[] } | { ok: false; error: string } {
  const items = remitaItems(body);
  if (!items) return { ok: false, error: 'A Remita collection notification is a JSON object or a non-empty array of them' };
  const parsed: ProviderItem[] = [];
  for (const [index, item] of items.entries()) {
    const fields = collectionFields(item);
    const { reference, mandateId, deductionDate, amountKobo } = fields;
    const key =
      reference !== undefined
        ? { idempotencyKey: String(reference), keySource: 'body:transactionRef' }
        : mandateId !== undefined && deductionDate !== undefined && amountKobo !== undefined
          ? { idempotencyKey: `${mandateId}|${deductionDate}|${amountKobo}`, keySource: 'body:mandateRef+deductionDate+amount' }
          : undefined;
    if (!key)
      return { ok: false, error: `Notification ${index} has neither a transaction reference nor a mandate, date and amount` };
    parsed.push({ rawBody: itemBytes(item, items.length, rawBody), ...key, fields });
  }
  return { ok: true, items: parsed };
}

function collectionFields(item: JsonObject): JsonObject {
  const fields: Record<string, string | number | undefined> = {
    event: 'collection',
    customerId: readField(item, names.customerId),
    mandateId: readField(item, names.mandateId),
    reference: readField(item, names.reference),
    amountKobo: nairaToKobo(readField(item, names.amount)),
    deductionDate: readField(item, names.deductionDate),
    status: readField(item, names.status),
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}
