import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { UsageError } from './exit-codes.js';

/** A whole number of at least 1 from a flag, or a usage error naming the flag. */
export function parsePositive(value: string | undefined, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`${flag} must be a positive whole number`);
  return number;
}

/** An int64 id from an argument. */
export function parseId(value: string): bigint {
  if (!/^\d{1,18}$/.test(value)) throw new UsageError(`Not an id: ${value}`);
  return BigInt(value);
}

/** A timestamp for a table cell: ISO 8601 UTC, empty when absent. */
export function formatTimestamp(timestamp: Timestamp | undefined): string {
  return timestamp ? timestampDate(timestamp).toISOString() : '';
}
