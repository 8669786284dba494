/**
 * What /metrics pays for "last accepted" beside a long partitioned history, on PostgreSQL: one busy
 * configuration with `history` events over 90 days, 99 quieter ones (one event a day each), one whose
 * last accepted event is 60 days old under a day of refused requests stored at the default
 * REFUSED_STORED_PER_MINUTE (14,400 `rejected` events newer than it), and one that never received
 * anything. EXPLAIN (ANALYZE, BUFFERS) of the statement, then 30 scrapes' reads timed from the client.
 * Usage: DATABASE_URL=postgres://... npx tsx bench/explain-last-accepted.ts [history events, default 500000]
 */
import { randomBytes } from 'node:crypto';
import { findLastAcceptedByConfig } from '../src/store/last-accepted-by-config.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import { insertWebhookConfig } from '../src/store/webhook-configs.js';
import { echoConfigFields } from '../test/helpers/store-fixtures.js';
import { seedEventHistory } from './lib/event-history.js';
import { explainStatementsOf, planTimes } from './lib/explain-statements.js';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const history = Number(process.argv[2] ?? 500_000);
const schema = `explain_${randomBytes(4).toString('hex')}`;
const admin = await openDatabase({ engine: 'postgres', url, poolMax: 1 });
await admin.raw(`CREATE SCHEMA ${schema}`);
const db = await openDatabase({ engine: 'postgres', url, poolMax: 2 }, { searchPath: schema });

try {
  await migrateToLatest(db);
  const created = new Date(Date.now() - 100 * 86_400_000);
  const ids: number[] = [];
  for (let n = 0; n < 102; n += 1) {
    const config = await insertWebhookConfig(db, echoConfigFields(`config-${n}`, { expectedEverySeconds: 900 }), created);
    ids.push(config.id);
  }
  const [busy, flooded, never, ...quiet] = ids as [number, number, number, ...number[]];
  await seedEventHistory(db, { count: history, days: 90, configId: busy, key: 'config-0', path: 'config-0', body: '{}' });
  for (const id of quiet) await seedEventHistory(db, { count: 90, days: 90, configId: id, key: `q${id}`, path: 'q', body: '{}' });
  await db.raw(
    `INSERT INTO webhook_events (config_id, config_key, source, method, path, headers, query, raw_body, client_ip,
       received_at, response_mode, status, attempts, max_attempts, trace)
     SELECT :flooded, 'config-1', 'router', 'POST', 'f', '{}', '{}', '\\x'::bytea, '10.0.0.1',
       now() - interval '60 days', 'async', 'succeeded', 1, 5, '{}'`,
    { flooded },
  );
  await db.raw(
    `INSERT INTO webhook_events (config_id, config_key, source, method, path, headers, query, raw_body, client_ip,
       received_at, response_mode, status, attempts, max_attempts, trace)
     SELECT :flooded, 'config-1', 'router', 'POST', 'f', '{}', '{}', '\\x'::bytea, '10.0.0.1',
       now() - n * interval '6 s', 'async', 'rejected', 0, 5, '{}'
     FROM generate_series(1, 14400) AS n`,
    { flooded },
  );
  await db.raw('ANALYZE');

  for (const { plan } of await explainStatementsOf(db, () => findLastAcceptedByConfig(db))) {
    console.log(`  ${plan.find((line) => line.includes('Buffers: shared'))?.trim()}`);
    console.log(`  ${planTimes(plan)}`);
  }

  const rows = await findLastAcceptedByConfig(db);
  const byId = new Map(rows.map((row) => [row.configId, row.lastAcceptedAt]));
  console.log(`flooded: last accepted ${byId.get(flooded)?.toISOString()}, never: ${byId.get(never)}`);
  const times: number[] = [];
  for (let round = 0; round < 30; round += 1) {
    const started = performance.now();
    await findLastAcceptedByConfig(db);
    times.push(performance.now() - started);
  }
  const sorted = times.sort((a, b) => a - b);
  console.log(
    `${rows.length} configurations, ${history + 99 * 90 + 14_401} events: a scrape's read median ${sorted[15]!.toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(2)} ms`,
  );
} finally {
  await db.destroy();
  await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
  await admin.destroy();
}
