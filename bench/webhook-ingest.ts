/**
 * Webhook ingest throughput: sync (store + execute + answer) and async (store + 202, then the
 * worker drains the queue), EchoCommand, over real HTTP/1.1 with keep-alive, the load coming from a
 * second process.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx --no-node-snapshot bench/webhook-ingest.ts
 *   (without BENCH_DATABASE_URL: in-memory PGlite)
 *   BENCH_REQUESTS (default 2000), BENCH_CONCURRENCY (default 32)
 */
import { randomBytes } from 'node:crypto';
import { fork } from 'node:child_process';
import { pino } from 'pino';
import { composeService } from '../src/compose.js';
import { AppError } from '../src/errors.js';
import { defaultDeliverySettings, loadConfig } from '../src/config/config.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import type { LoadPlan } from './ingest-load.js';

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

/** Runs one mode's load from a second process (see ingest-load.ts) and prints its summary. */
async function load(mode: string, expectedStatus: number): Promise<void> {
  const plan: LoadPlan = { url: `${base}/api/webhook/bench/${mode}`, mode, total, concurrency, expectedStatus };
  const generator = fork(new URL('./ingest-load.ts', import.meta.url), { execArgv: ['--import', 'tsx'] });
  generator.send(plan);
  const summary = new Promise<string>((resolve) => generator.once('message', (line) => resolve(String(line))));
  const exited = new Promise<number | null>((resolve) => generator.once('exit', resolve));
  const code = await exited;
  if (code !== 0) throw new Error(`the ${mode} load generator exited with ${code}`);
  console.log(await summary);
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
