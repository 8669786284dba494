/**
 * A JSON value with every object's keys in the order PostgreSQL's jsonb keeps them (shorter keys
 * first, then by their UTF-8 bytes). A sync webhook's first answer is sent in this order because its
 * idempotent repeat is read back from the event's jsonb result: both are then the same bytes.
 */
export function inStoredKeyOrder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(inStoredKeyOrder);
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const entries = Object.entries(value).map(([key, item]) => [key, Buffer.from(key), item] as const);
  entries.sort(([, a], [, b]) => a.length - b.length || Buffer.compare(a, b));
  return Object.fromEntries(entries.map(([key, , item]) => [key, inStoredKeyOrder(item)]));
}
