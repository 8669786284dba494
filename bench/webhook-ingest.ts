/**
 * Webhook ingest throughput: sync (store + execute + answer) and async (store + 202, then the
 * worker drains the queue), EchoCommand, over real HTTP/1.1 with keep-alive.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx --no-node-snapshot bench/webhook-ingest.ts
 *   (without BENCH_DATABASE_URL: in-memory PGlite)
 *   BENCH_REQUESTS (default 2000), BENCH_CONCURRENCY (default 32)
 */
import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { composeService } from '../src/compose.js';
import { AppError } from '../src/errors.js';
import { defaultDeliverySettings, loadConfig } from '../src/config/config.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';

const url = process.env.BENCH_DATABASE_URL;
const total = Number(process.env.BENCH_REQUESTS ?? 2_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 32);
const schema = `bench_${randomBytes(4).toString('hex')}`;

const db = url
  ? await openDatabase({ engine: 'postgres', url, poolMax: 10 }, { searchPath: schema })
  : await openDatabase({ engine: 'pglite', dataDir: undefined });
if (url) await db.raw(`CREATE SCHEMA ${schema}`);
await migrateToLatest(db);
const service = composeService({
  config: {
    maxBodyBytes: 1024 * 1024,
    executors: loadConfig({}).executors,
    delivery: { ...defaultDeliverySettings, workerConcurrency: 8, workerPollMs: 20 },
  },
  db,
  log: pino({ level: 'silent' }),
  // The benchmark drives ingress only (configs are created on the bus directly): no management calls.
  authenticate: () => Promise.reject(new AppError('unauthenticated', 'Unauthorized')),
});
const { port } = await service.server.listen(0, '127.0.0.1');
const base = `http://127.0.0.1:${port}`;
for (const mode of ['sync', 'async']) {
  await service.bus.execute(
    'CreateWebHookConfigCommand',
    (await import('@bufbuild/protobuf')).fromJson(
      (await import('../gen/bpm/webhooks/v1/webhook_config_service_pb.js')).CreateWebHookConfigCommandSchema,
      { key: `bench-${mode}`, path: `/bench/${mode}`, action: 'POST', executionType: 0, commandName: 'EchoCommand', responseMode: mode },
    ),
    { actor: { kind: 'operator', subject: 'bench', permissions: new Set(['webhooks:write']) }, requestId: 'bench' },
  );
}

async function load(mode: string, expected: number): Promise<void> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const n = next++;
        const t = performance.now();
        const response = await fetch(`${base}/api/webhook/bench/${mode}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `${mode}-${n}` },
          body: JSON.stringify({ event: 'charge.success', data: { reference: `T-${n}`, amount: 5000 } }),
        });
        await response.arrayBuffer();
        if (response.status !== expected) throw new Error(`status ${response.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const p = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!.toFixed(1);
  console.log(`${mode}: ${total} requests, concurrency ${concurrency}: ${(total / seconds).toFixed(0)} req/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms`);
}

await load('sync', 200);
const drainStart = performance.now();
await load('async', 202);
for (;;) {
  const [row] = await db('webhook_events').where({ config_key: 'bench-async', status: 'succeeded' }).count({ n: '*' });
  if (Number(row?.n) === total) break;
  await new Promise((resolve) => setTimeout(resolve, 50));
}
console.log(`async: all ${total} executed ${((performance.now() - drainStart) / 1000).toFixed(1)} s after the first request`);
await service.close(1_000);
if (url) await db.raw(`DROP SCHEMA ${schema} CASCADE`);
await db.destroy();
