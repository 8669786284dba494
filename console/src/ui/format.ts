import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';

/** A timestamp in the reader's locale with seconds, or a dash when absent. */
export function formatTime(timestamp: Timestamp | undefined): string {
  if (!timestamp) return '—';
  return timestampDate(timestamp).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Any JSON value as indented text. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? '';
}
