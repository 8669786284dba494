/**
 * The claim's plan with a backlog of ordered events, on PGlite and (with BENCH_DATABASE_URL) on
 * PostgreSQL: `npx tsx bench/ordered-claim-plan.ts`. Queue rows are made directly (the claim's pick
 * reads only the queue table); EXPLAIN ANALYZE of the pick, then the time of a full claim statement.
 *
 * - spread: 100,000 queued events over 1,000 keys, nothing running: each key's head is due.
 * - one busy key: 100,000 queued events of one key whose head is running, plus 32 unordered events
 *   due after them. The events behind a key's first wait out of the due order (waiting_due_at), so
 *   the pick does not pass over them.
 */
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import knex, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { claimOpenedAttempts } from '../src/store/claim-opened-attempts.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';

const backlog = 100_000;
const batch = 32;

async function fill(db: Knex, scenario: 'spread' | 'one busy key'): Promise<void> {
  await db.raw('TRUNCATE webhook_event_queue');
  const keyOf = scenario === 'spread' ? `'1:' || (n % 1000)` : `'1:busy'`;
  // As the accept stores them: each key's first event due, the others waiting behind it.
  const first = scenario === 'spread' ? 'n <= 1000' : 'n = 1';
  await db.raw(`INSERT INTO webhook_event_queue (event_id, due_at, lease_owner, attempts, max_attempts, source, ordering_key, ordering_seq,
      waiting_due_at)
    SELECT n, CASE WHEN ${first} THEN due ELSE 'infinity' END, NULL, 0, 3, 'router', ${keyOf}, n, CASE WHEN ${first} THEN NULL ELSE due END
    FROM generate_series(1, ${backlog}) AS n, LATERAL (SELECT now() - interval '1 hour' + n * interval '1 millisecond' AS due) d`);
  if (scenario === 'one busy key') {
    await db.raw(
      `UPDATE webhook_event_queue SET lease_owner = 'elsewhere', due_at = now() + interval '1 hour' WHERE event_id = 1`,
    );
    await db.raw(`INSERT INTO webhook_event_queue (event_id, due_at, lease_owner, attempts, max_attempts, source)
      SELECT ${backlog} + n, now() - interval '1 minute', NULL, 0, 3, 'router' FROM generate_series(1, ${batch}) AS n`);
  }
  await db.raw('VACUUM ANALYZE webhook_event_queue');
}

const pick = `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
  SELECT event_id FROM webhook_event_queue q
  WHERE q.due_at <= now() AND q.lease_owner IS NULL
    AND (q.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM webhook_event_queue earlier
      WHERE earlier.ordering_key = q.ordering_key AND earlier.ordering_seq < q.ordering_seq))
  ORDER BY q.due_at, q.event_id LIMIT ${batch} FOR UPDATE SKIP LOCKED`;

async function measure(engine: string, db: Knex): Promise<void> {
  for (const scenario of ['spread', 'one busy key'] as const) {
    await fill(db, scenario);
    const { rows } = await db.raw<{ rows: Record<string, string>[] }>(pick);
    const plan = rows.map((row) => Object.values(row)[0]).join('\n');
    const times: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      // The whole claim statement, rolled back so every run sees the same backlog.
      await db
        .transaction(async (tx) => {
          await claimOpenedAttempts(tx, { owner: 'plan', now: new Date(), leaseMs: 30_000, limit: batch });
          throw new Error('rollback');
        })
        .catch(() => undefined);
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    console.log(`\n## ${engine}, ${scenario}: claim of ${batch} median ${times[2]!.toFixed(1)} ms\n${plan}`);
  }
}

const pglite = await PGlite.create();
const embedded = knex({ client: ClientPgLite, dialect: 'postgres', connection: () => ({ pglite }) as object });
await migrateToLatest(embedded);
await measure('PGlite', embedded);
await embedded.destroy();

const url = process.env.BENCH_DATABASE_URL;
if (url) {
  const schema = `plan_${randomBytes(4).toString('hex')}`;
  const admin = await openDatabase({ engine: 'postgres', url, poolMax: 1 });
  await admin.raw(`CREATE SCHEMA ${schema}`);
  const db = await openDatabase({ engine: 'postgres', url, poolMax: 2 }, { searchPath: schema });
  try {
    await migrateToLatest(db);
    await measure('PostgreSQL', db);
  } finally {
    await db.destroy();
    await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
    await admin.destroy();
  }
}
