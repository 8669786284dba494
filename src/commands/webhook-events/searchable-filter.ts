import type { SearchableFields } from '../../domain/webhook-event.js';

/** The searchable-field filters of an event listing. */
export interface SearchableFilterInput {
  readonly event: string;
  readonly accountId: string;
  readonly mandateId: string;
  readonly customerId: string;
  readonly reference: string;
  readonly amountKobo?: bigint | undefined;
}

/** The fields an event must carry, from the filters that are set; undefined when none is. */
export function parseSearchableFilter(input: SearchableFilterInput): SearchableFields | undefined {
  const fields: { -readonly [K in keyof SearchableFields]: SearchableFields[K] } = {};
  for (const name of ['event', 'accountId', 'mandateId', 'customerId', 'reference'] as const) {
    const value = input[name].trim();
    if (value) fields[name] = value;
  }
  if (input.amountKobo !== undefined) fields.amountKobo = Number(input.amountKobo);
  return Object.keys(fields).length > 0 ? fields : undefined;
}
