import { type Timestamp, timestampDate } from '@bufbuild/protobuf/wkt';

/** A timestamp in the reader's locale with seconds, or a dash when absent. */
export function formatTime(timestamp: Timestamp | undefined): string {
  if (!timestamp) return '—';
  return timestampDate(timestamp).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Seconds as the largest whole unit: "45 s", "12 min", "3 h". */
export function formatAge(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 2 * 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Any JSON value as indented text. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? '';
}
