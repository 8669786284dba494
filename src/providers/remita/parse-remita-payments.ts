import type { JsonObject, JsonValue } from '@bufbuild/protobuf';
import type { ProviderItem } from '../provider-preset.js';
import { nairaToKobo } from '../to-kobo.js';
import { itemBytes, readField, remitaItems } from './remita-items.js';

/**
 * Remita payment notifications, one object or an array: one item each, deduplicated on `rrr`.
 * `channnel` (sic, as Remita spells it) is read as `channel`; amounts may be numbers or strings.
 */
export function parseRemitaPayments(
  body: JsonValue,
  rawBody: Buffer,
): { ok: true; items: ProviderItem[] } | { ok: false; error: string } {
  const items = remitaItems(body);
  if (!items) return { ok: false, error: 'A Remita payment notification is a JSON object or a non-empty array of them' };
  const missing = items.findIndex((item) => readField(item, ['rrr']) === undefined);
  if (missing !== -1) return { ok: false, error: `Notification ${missing} has no rrr` };
  return {
    ok: true,
    items: items.map((item) => {
      const rrr = readField(item, ['rrr'])!;
      return {
        rawBody: itemBytes(item, items.length, rawBody),
        idempotencyKey: rrr,
        keySource: 'body:rrr',
        fields: paymentFields(item, rrr),
      };
    }),
  };
}

function paymentFields(item: JsonObject, rrr: string): JsonObject {
  const fields: Record<string, string | number | undefined> = {
    event: 'payment',
    reference: rrr,
    rrr,
    amountKobo: nairaToKobo(readField(item, ['amount'])),
    channel: readField(item, ['channel', 'channnel']),
    orderRef: readField(item, ['orderRef']),
    transactionDate: readField(item, ['transactiondate']),
    debitDate: readField(item, ['debitdate']),
    payerName: readField(item, ['payerName']),
    payerEmail: readField(item, ['payerEmail']),
    payerPhoneNumber: readField(item, ['payerPhoneNumber']),
    serviceTypeId: readField(item, ['serviceTypeId']),
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string | number] => entry[1] !== undefined));
}
