import type { Knex } from 'knex';
import { ensureEventLogPartitions } from '../../src/store/event-log-partitions.js';

/**
 * Writes `count` finished events (and one succeeded attempt each) straight into the log with SQL,
 * received over the last `days` days, as a year of traffic would have left them: the history the
 * `drain-history` scenario drains beside, in the weeks of the log they fall in. Batches of 50,000
 * rows keep each statement's memory small.
 */
export async function seedEventHistory(
  db: Knex,
  history: { count: number; days: number; configId: number; key: string; path: string; body: string },
): Promise<void> {
  const batch = 50_000;
  const now = Date.now();
  await ensureEventLogPartitions(db, { from: new Date(now - (history.days + 1) * 86_400_000), to: new Date(now) });
  for (let from = 0; from < history.count; from += batch) {
    const size = Math.min(batch, history.count - from);
    await db.raw(
      `WITH events AS (
         INSERT INTO webhook_events (config_id, config_key, config_version, source, method, path, headers, query, raw_body,
           client_ip, received_at, response_mode, status, attempts, max_attempts, trace, result, completed_at)
         SELECT :configId, :key, 1, 'router', 'POST', :path, '{"content-type": "application/json"}', '{}',
           convert_to(:body, 'UTF8'), '127.0.0.1', now() - (n::double precision / :count) * :days * interval '1 day',
           'async', 'succeeded', 1, 5, '{}', '{"ok": true}', now() - (n::double precision / :count) * :days * interval '1 day'
         FROM generate_series(:from::integer + 1, :from::integer + :size::integer) AS n
         RETURNING id, received_at)
       INSERT INTO webhook_event_attempts (event_id, attempt, worker, config_version, started_at, finished_at, duration_ms, outcome)
       SELECT id, 1, 'history', 1, received_at, received_at, 1, 'succeeded' FROM events`,
      { ...history, from, size },
    );
  }
}

/**
 * Times every claim statement this knex instance runs (the one statement that locks due events with
 * SKIP LOCKED); `take()` answers the milliseconds measured since the last take.
 */
export function timeClaims(db: Knex): { take(): number[] } {
  const started = new Map<string, number>();
  let durations: number[] = [];
  db.on('query', (query: { __knexQueryUid: string; sql: string }) => {
    if (query.sql.includes('SKIP LOCKED') && query.sql.includes('webhook_event_attempts'))
      started.set(query.__knexQueryUid, performance.now());
  });
  db.on('query-response', (_response: unknown, query: { __knexQueryUid: string }) => {
    const at = started.get(query.__knexQueryUid);
    if (at === undefined) return;
    started.delete(query.__knexQueryUid);
    durations.push(performance.now() - at);
  });
  return {
    take() {
      const taken = durations;
      durations = [];
      return taken;
    },
  };
}
