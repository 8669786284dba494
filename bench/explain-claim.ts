/**
 * The claim and the settle beside a partitioned history, on PostgreSQL: EXPLAIN (ANALYZE, BUFFERS)
 * of each (how many weeks of the log it reads, its planning and execution time), then 30 rounds of
 * claim and settle of 32 events as the worker runs them, timed from the client. Usage:
 *   DATABASE_URL=postgres://... npx tsx bench/explain-claim.ts [history events, default 200000]
 */
import { randomBytes } from 'node:crypto';
import { claimOpenedAttempts } from '../src/store/claim-opened-attempts.js';
import { type EventToInsert, insertWebhookEvents } from '../src/store/insert-webhook-events.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import { type AttemptSettlement, settleAttempts } from '../src/store/settle-attempts.js';
import { queuedEvent } from '../test/helpers/store-fixtures.js';
import { seedEventHistory } from './lib/event-history.js';
import { explainStatementsOf, planTimes } from './lib/explain-statements.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const history = Number(process.argv[2] ?? 200_000);
const schema = `explain_${randomBytes(4).toString('hex')}`;
const admin = await openDatabase({ engine: 'postgres', url, poolMax: 1 });
await admin.raw(`CREATE SCHEMA ${schema}`);
const db = await openDatabase({ engine: 'postgres', url, poolMax: 2 }, { searchPath: schema });

const queued = (count: number, at: Date): EventToInsert[] =>
  Array.from({ length: count }, () => queuedEvent('k', at, { configId: 1, configVersion: 1, maxAttempts: 3 }));
const succeeded = (eventId: number, attemptId: number, at: Date): AttemptSettlement => ({
  attempt: {
    id: attemptId,
    finish: { outcome: 'succeeded', finishedAt: at, durationMs: 1, errors: null, logs: null, steps: null },
  },
  event: { id: eventId, owner: 'w', attempt: 1, settlement: { status: 'succeeded', result: {}, httpResponse: null, at } },
});
/** Claims and settles up to 32 due events. */
async function claimAndSettle(): Promise<{ claimMs: number; settleMs: number }> {
  const at = new Date();
  let started = performance.now();
  const batch = await claimOpenedAttempts(db, { owner: 'w', now: at, leaseMs: 60_000, limit: 32 });
  const claimMs = performance.now() - started;
  started = performance.now();
  await settleAttempts(
    db,
    batch.map(({ event, attemptId }) => succeeded(event.id, attemptId, at)),
  );
  return { claimMs, settleMs: performance.now() - started };
}

try {
  await migrateToLatest(db);
  await seedEventHistory(db, { count: history, days: 90, configId: 1, key: 'k', path: 'k', body: '{}' });
  await insertWebhookEvents(db, queued(64, new Date()));

  // The same statements on the next 32 still due, as they were sent.
  for (const { sql, plan } of await explainStatementsOf(db, claimAndSettle)) {
    const scans = plan.filter((line) => /Scan .* on webhook_events_w\d+/.test(line));
    console.log(sql.slice(0, 60).replace(/\s+/g, ' '), '…');
    console.log(
      `  scans of the log's weeks: ${scans.length} planned, ${scans.filter((l) => !l.includes('never executed')).length} run`,
    );
    console.log(`  ${planTimes(plan)}`);
  }

  const rounds: { claimMs: number; settleMs: number }[] = [];
  for (let round = 0; round < 30; round += 1) {
    await insertWebhookEvents(db, queued(32, new Date()));
    rounds.push(await claimAndSettle());
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!.toFixed(2);
  console.log(
    `30 rounds of 32: claim median ${median(rounds.map((r) => r.claimMs))} ms, settle median ${median(rounds.map((r) => r.settleMs))} ms`,
  );
} finally {
  await db.destroy();
  await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
  await admin.destroy();
}
