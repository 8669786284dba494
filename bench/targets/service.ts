/**
 * The service under test, composed as main.ts composes it (settings from the environment), on
 * PostgreSQL (BENCH_DATABASE_URL, in a schema of its own) or on in-memory PGlite. It creates one
 * webhook configuration per scenario and answers the bench's questions over IPC: its RSS, the id of
 * a configuration, and how long its workers take to drain what is queued.
 *
 * BENCH_START_WORKER=false keeps the workers stopped until the bench asks for `drain`.
 */
import { randomBytes } from 'node:crypto';
import { fromJson } from '@bufbuild/protobuf';
import { pino } from 'pino';
import { CreateWebHookConfigCommandSchema } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { createJwtAuthenticator } from '../../src/auth/jwt-authenticator.js';
import { hs256Verifier } from '../../src/auth/token-verifier.js';
import { composeService } from '../../src/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { openDatabase } from '../../src/store/open-database.js';
import { createTracing } from '../../src/tracing/create-tracing.js';
import { seedEventHistory, timeClaims } from '../lib/event-history.js';
import { rssMiB, serveBench } from '../lib/target-process.js';
import { limitedForwardConfig, scenarioConfigs } from '../lib/scenario-configs.js';

const url = process.env.BENCH_DATABASE_URL;
// BENCH_SCHEMA: several service processes on one schema (the first makes it and its configurations).
const sharedSchema = process.env.BENCH_SCHEMA;
const firstOfSchema = process.env.BENCH_FIRST_OF_SCHEMA !== 'false';
const schema = sharedSchema ?? `bench_service_${randomBytes(4).toString('hex')}`;
const config = loadConfig({ ...process.env, DATABASE_URL: url ?? 'memory://', LOG_LEVEL: 'silent' });
const log = pino({ level: 'silent' });
const db = url
  ? await openDatabase(
      { engine: 'postgres', url, poolMax: config.database.engine === 'postgres' ? config.database.poolMax : 10 },
      { searchPath: schema },
    )
  : await openDatabase({ engine: 'pglite', dataDir: undefined });
if (url && firstOfSchema) await db.raw(`CREATE SCHEMA ${schema}`);
await migrateToLatest(db);
const claims = timeClaims(db);

// As main.ts: off (nothing loaded) unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set.
const tracing = await createTracing(config.tracing);
const service = composeService({
  config,
  tracing,
  db,
  log,
  authenticate: createJwtAuthenticator({
    verifier: hs256Verifier(process.env.BENCH_TOKEN_SECRET!),
    clockToleranceSeconds: 30,
    log,
  }),
  startWorker: process.env.BENCH_START_WORKER !== 'false',
});
const configIds: Record<string, number> = {};
const forwardUrl = process.env.BENCH_FORWARD_URL;
const configsToMake = {
  ...scenarioConfigs,
  ...(forwardUrl && { 'limited-forward': limitedForwardConfig(forwardUrl) }),
} as Record<string, object>;
for (const [key, fields] of Object.entries(firstOfSchema ? configsToMake : {})) {
  const created = await service.bus.execute(
    'CreateWebHookConfigCommand',
    fromJson(CreateWebHookConfigCommandSchema, { key, action: 'POST', ...fields }),
    { actor: { kind: 'operator', subject: 'bench', permissions: new Set(['webhooks:write']) }, requestId: 'bench' },
  );
  configIds[key] = Number((created.output as unknown as { data: { id: bigint } }).data.id);
}

/**
 * Starts the workers and waits until no event of `key` is queued or processing; events per second.
 * `beside`: other events are accepted meanwhile (the drain under ingest), so only the key's count.
 */
async function drain(key: string, beside: boolean): Promise<{ events: number; seconds: number; perSecond: number }> {
  // The queue rows alone when the only events queued are the drained key's. Joined to the log and
  // polled every 20 ms, this count was most of PostgreSQL's CPU beside a history of 1,000,000.
  const ofKey = () =>
    db('webhook_event_queue as q')
      .join('webhook_events as e', function () {
        this.on('e.id', 'q.event_id').andOn('e.received_at', 'q.received_at');
      })
      .where('e.config_id', configIds[key]!)
      .count({ n: '*' });
  const count = async () => Number((await (beside ? ofKey() : db('webhook_event_queue').count({ n: '*' })))[0]?.n);
  const events = count();
  const started = performance.now();
  service.worker.start();
  const total = await events;
  while ((await count()) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
  const seconds = (performance.now() - started) / 1000;
  return { events: total, seconds, perSecond: total / seconds };
}

const { port } = await service.server.listen(0, '127.0.0.1');
serveBench(port, async (request) => {
  switch (request.kind) {
    case 'rss':
      return rssMiB();
    case 'configId':
      return configIds[String(request.key)];
    case 'drain':
      return drain(String(request.key), request.beside === true);
    case 'history': {
      const key = String(request.key);
      const path = scenarioConfigs[key as keyof typeof scenarioConfigs].path;
      const history = { count: Number(request.count), days: Number(request.days), configId: configIds[key]!, key, path };
      return seedEventHistory(db, { ...history, body: String(request.body) });
    }
    case 'claimTimes':
      return claims.take();
    case 'queued':
      return Number((await db('webhook_event_queue').count({ n: '*' }))[0]?.n);
    default:
      throw new Error(`unknown request ${request.kind}`);
  }
});
process.once('SIGTERM', async () => {
  await service.close(1_000);
  if (url && !sharedSchema) await db.raw(`DROP SCHEMA ${schema} CASCADE`);
  await db.destroy();
  process.exit(0);
});
