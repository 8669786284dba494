/**
 * `npm run bench`: the webhook service beside its baselines, in one run on one machine.
 *
 * Every server runs in a process of its own; this process only generates load (autocannon over
 * HTTP/1.1 keep-alive; a small loop for gRPC). For each connection level, every scenario first
 * warms up, then is measured for a fixed time. Baselines (on PostgreSQL): a bare node:http server
 * parsing the same JSON, and the same with one durable pg INSERT per request. Scenarios, on
 * PostgreSQL and on in-memory PGlite: async ingest (202 after commit), sync EchoCommand, sync small
 * script, the management API (GetWebHookConfigByIdQuery over /api/bpm/cmd and gRPC), and the drain
 * of a queued backlog (idle, and while async ingest runs at half its measured maximum). The queue
 * with history (not run unless named): `drain-history` (a backlog accepted over HTTP drained beside
 * `--history` finished events written with SQL over `--history-days`), `held-snapshot` (the same
 * while another connection holds a REPEATABLE READ snapshot, PostgreSQL only) and `churn` (async
 * ingest, its drain, sync echo and sync script, twice on one database without VACUUM).
 * `sync-echo-traced` (not run unless named): sync echo with OpenTelemetry traces on, exported over
 * OTLP/HTTP; `-json` and `-proto` name the export's encoding, `-unsampled` records nothing (context
 * propagation alone); every other scenario runs with traces off. Delivery control (not run unless named):
 * `ordered-drain` (`--ordered-events` over `--ordered-keys` ordering keys, queued, then drained) and
 * `limited` (PostgreSQL only: two service processes forward `--limited-events` to a target in this
 * process through a configuration limited to 50/s and 10 at once; the most the target saw).
 *
 *   npm run bench -- [--engines postgres,pglite] [--connections 16,64,256] [--seconds 10] [--warmup 3]
 *                    [--scenarios async-echo,sync-echo,...] [--drain-events 10000] [--soak 300]
 *                    [--history 1000000] [--history-days 90] [--backlog 100000]
 *                    [--ordered-events 100000] [--ordered-keys 1000] [--limited-events 1000]
 *                    [--checkouts before=/tmp/old,...] [--rounds 3]
 *   --checkouts: the ingest scenarios (`async-echo`, `sync-echo`, ...) and the drains (`drain`,
 *   `ordered-drain`) also run the service of each named checkout of the repository (its
 *   bench/targets/service.ts and its src/), interleaved with this one's for `--rounds` rounds in a
 *   rotating order, and the run ends with each one's ratio to the first named (requests or events/s
 *   and service CPU per request or event, round by round): on a shared machine only ratios of runs
 *   made side by side compare.
 *   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import autocannon from 'autocannon';
import pg from 'pg';
import { runHttpLoad, type LoadResult } from './lib/http-load.js';
import { sampleCpu } from './lib/cpu-meter.js';
import { compareCheckouts } from './lib/compare-checkouts.js';
import { markdownTable, machineLine, saveResults, type Row } from './lib/report.js';
import { runGrpcLoad } from './lib/rpc-load.js';
import { limitedForwardConfig, orderedNotification, paymentNotification, scenarioConfigs } from './lib/scenario-configs.js';
import { startTarget, type TargetProcess } from './lib/target-process.js';

const { values: args } = parseArgs({
  options: {
    engines: { type: 'string', default: 'postgres,pglite' },
    connections: { type: 'string', default: '16,64,256' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    scenarios: { type: 'string', default: 'async-accept,async-echo,sync-echo,sync-script,gateway-get,grpc-get,drain' },
    'drain-events': { type: 'string', default: '10000' },
    history: { type: 'string', default: '1000000' },
    'history-days': { type: 'string', default: '90' },
    backlog: { type: 'string', default: '100000' },
    soak: { type: 'string' },
    'ordered-events': { type: 'string', default: '100000' },
    'ordered-keys': { type: 'string', default: '1000' },
    'limited-events': { type: 'string', default: '1000' },
    checkouts: { type: 'string', default: '' },
    rounds: { type: 'string', default: '1' },
  },
});
const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const connectionLevels = list(args.connections).map(Number);
const seconds = Number(args.seconds);
const warmupSeconds = Number(args.warmup);
const scenarios = list(args.scenarios);
const drainEvents = Number(args['drain-events']);
const tokenSecret = 'bench-secret-that-is-at-least-32-bytes-long!';
const token = await new SignJWT({ sub: 'bench', scope: 'webhooks:read webhooks:write events:read' })
  .setProtectedHeader({ alg: 'HS256' })
  .setExpirationTime('2h')
  .sign(new TextEncoder().encode(tokenSecret));
const payload = paymentNotification();

type Engine = 'postgres' | 'pglite';
const engineEnv = (engine: Engine): Record<string, string> => ({
  BENCH_TOKEN_SECRET: tokenSecret,
  ...(engine === 'postgres' && { BENCH_DATABASE_URL: databaseUrl }),
});

/** A service build to drain with: this checkout (no path) or another one named by --checkouts. */
interface Variant {
  readonly label: string;
  readonly checkout?: string;
}
const otherCheckouts: Variant[] = list(args.checkouts).map((item) => {
  const [label, checkout] = item.split('=');
  if (!label || !checkout) throw new Error(`--checkouts wants label=path, not ${item}`);
  return { label, checkout };
});
const thisCheckout: Variant = { label: otherCheckouts.length > 0 ? 'this' : '' };
const rounds = Number(args.rounds);
/** The variants of round `round` (0-based): every checkout, the first one rotated each round. */
const variantsOfRound = (round: number): Variant[] => {
  const all = [...otherCheckouts, thisCheckout];
  return all.map((_, i) => all[(i + round) % all.length]!);
};
const labelled = (scenario: string, variant: Variant) => (variant.label ? `${scenario} @${variant.label}` : scenario);
const unlabelled = (scenario: string) => scenario.replace(/ @\S+$/, '');

const rows: Row[] = [];
const baselines = new Map<string, LoadResult>();

/** Warms the target up at this level, then measures it. */
async function measure(target: TargetProcess, run: (seconds: number) => Promise<LoadResult>): Promise<LoadResult> {
  if (warmupSeconds > 0) await run(warmupSeconds);
  return withCpu(target, () => run(seconds));
}

/** A measured load with the CPU it cost the target and PostgreSQL per answered request. */
async function withCpu<T extends LoadResult>(target: TargetProcess, run: () => Promise<T>): Promise<T> {
  const before = sampleCpu(target.pid);
  const result = await run();
  const after = sampleCpu(target.pid);
  const answered = result.rps > 0 ? result.requests - result.errors : 0;
  if (answered <= 0) return result;
  const perRequest = (ms: number) => (ms * 1000) / answered;
  return {
    ...result,
    targetCpuUs: perRequest(after.targetMs - before.targetMs),
    databaseCpuUs: perRequest(after.databaseMs - before.databaseMs),
  };
}

function record(
  engine: Row['engine'],
  scenario: string,
  connections: number | null,
  result: LoadResult,
  rssMiB: number | null,
  note?: string,
): void {
  const ratioTo = (name: string) => {
    const base = connections === null ? undefined : baselines.get(`${name}:${connections}`);
    return base && base.rps > 0 ? result.rps / base.rps : null;
  };
  const row: Row = {
    engine,
    scenario,
    connections,
    ...result,
    rssMiB,
    vsBareHttp: ratioTo('bare-http'),
    vsBareInsert: ratioTo('bare-insert'),
    ...(note && { note }),
  };
  rows.push(row);
  console.log(markdownTable([row]).split('\n')[2]);
}

async function withTarget<T>(
  name: string,
  env: Record<string, string>,
  use: (target: TargetProcess) => Promise<T>,
  checkout?: string,
): Promise<T> {
  const target = await startTarget(name, env, checkout);
  try {
    return await use(target);
  } finally {
    await target.stop();
  }
}

const post = (url: string, expectedStatus: number, connections: number) => (s: number) =>
  runHttpLoad({ url, body: payload, connections, seconds: s, expectedStatus });

async function runBaselines(): Promise<void> {
  for (const [name, status] of [
    ['bare-http', 200],
    ['bare-insert', 202],
  ] as const) {
    await withTarget(name, { BENCH_DATABASE_URL: databaseUrl }, async (target) => {
      for (const connections of connectionLevels) {
        const result = await measure(target, post(`${target.url}/`, status, connections));
        baselines.set(`${name}:${connections}`, result);
        record('-', name, connections, result, await target.ask({ kind: 'rss' }));
      }
    });
  }
}

/**
 * A collector stand-in for the traced scenario: reads every OTLP/HTTP export and answers 200, so the
 * service pays for building, batching and sending spans, not for a backend.
 */
let sink: Promise<string> | undefined;
function otlpSink(): Promise<string> {
  sink ??= new Promise((resolve) => {
    const server = http.createServer((request, response) => {
      request.resume();
      // An empty answer in the export's own encoding (an empty protobuf message is a valid response).
      const json = String(request.headers['content-type']).includes('json');
      request.on('end', () =>
        response.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : ''),
      );
    });
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
    server.unref();
  });
  return sink;
}

/** `workersStopped`: the accept path alone, its events left queued (what async-echo's workers cost shows beside it). */
const ingestScenarios: Record<
  string,
  { path: string; status: number; workersStopped?: boolean; traced?: boolean; traceEnv?: Record<string, string> }
> = {
  'async-accept': { path: scenarioConfigs['async-echo'].path, status: 202, workersStopped: true },
  'async-echo': { path: scenarioConfigs['async-echo'].path, status: 202 },
  'sync-echo': { path: scenarioConfigs['sync-echo'].path, status: 200 },
  // The same with traces on, exported over OTLP/HTTP to a collector stand-in in this process (see otlpSink).
  'sync-echo-traced': { path: scenarioConfigs['sync-echo'].path, status: 200, traced: true },
  // Where the cost of traces goes: the same with each export encoding, and with nothing recorded
  // (the context manager and non-recording spans only).
  'sync-echo-traced-json': {
    path: scenarioConfigs['sync-echo'].path,
    status: 200,
    traced: true,
    traceEnv: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
  },
  'sync-echo-traced-proto': {
    path: scenarioConfigs['sync-echo'].path,
    status: 200,
    traced: true,
    traceEnv: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' },
  },
  'sync-echo-traced-unsampled': {
    path: scenarioConfigs['sync-echo'].path,
    status: 200,
    traced: true,
    traceEnv: { OTEL_TRACES_SAMPLER: 'always_off' },
  },
  'sync-script': { path: scenarioConfigs['sync-script'].path, status: 200 },
};

async function runScenario(engine: Engine, scenario: string): Promise<void> {
  const env = engineEnv(engine);
  const ingest = ingestScenarios[scenario];
  if (ingest) {
    const targetEnv = {
      ...env,
      ...(ingest.workersStopped && { BENCH_START_WORKER: 'false' }),
      // Off unless traced, even when the bench's own environment has OpenTelemetry settings.
      ...(ingest.traced
        ? { OTEL_EXPORTER_OTLP_ENDPOINT: await otlpSink(), ...ingest.traceEnv }
        : { OTEL_TRACES_EXPORTER: 'none' }),
    };
    for (let round = 0; round < rounds; round++)
      for (const variant of variantsOfRound(round))
        await withTarget(
          'service',
          targetEnv,
          async (target) => {
            for (const connections of connectionLevels) {
              const url = `${target.url}/api/webhook/${ingest.path}`;
              const result = await measure(target, post(url, ingest.status, connections));
              record(engine, labelled(scenario, variant), connections, result, await target.ask({ kind: 'rss' }));
            }
          },
          variant.checkout,
        );
    return;
  }
  if (scenario === 'gateway-get' || scenario === 'grpc-get') {
    await withTarget('service', env, async (target) => {
      const id = await target.ask<number>({ kind: 'configId', key: 'sync-echo' });
      for (const connections of connectionLevels) {
        const result =
          scenario === 'grpc-get'
            ? await measure(target, (s) => runGrpcLoad({ baseUrl: target.url, token, id, callers: connections, seconds: s }))
            : await measure(target, (s) =>
                runHttpLoad({
                  url: `${target.url}/api/bpm/cmd`,
                  body: JSON.stringify({ $type: 'GetWebHookConfigByIdQuery', id }),
                  headers: { authorization: `Bearer ${token}` },
                  connections,
                  seconds: s,
                  expectedStatus: 200,
                }),
              );
        record(engine, scenario, connections, result, await target.ask({ kind: 'rss' }));
      }
    });
    return;
  }
  if (scenario === 'drain') {
    for (let round = 0; round < rounds; round++)
      for (const variant of variantsOfRound(round)) {
        await runDrain(engine, 'idle', variant);
        await runDrain(engine, 'ingest', variant);
      }
    return;
  }
  if (scenario === 'drain-history' || scenario === 'held-snapshot') {
    if (scenario === 'held-snapshot' && engine !== 'postgres') return;
    await runDrainWithHistory(engine, scenario === 'held-snapshot');
    return;
  }
  if (scenario === 'churn') {
    await runChurn(engine);
    return;
  }
  if (scenario === 'ordered-drain') {
    for (let round = 0; round < rounds; round++)
      for (const variant of variantsOfRound(round)) await runOrderedDrain(engine, variant);
    return;
  }
  if (scenario === 'limited') {
    if (engine === 'postgres') await runLimited();
    return;
  }
  throw new Error(`unknown scenario ${scenario}`);
}

/** Queues `drainEvents` events with the workers stopped, then times the workers to all final. */
async function runDrain(engine: Engine, during: 'idle' | 'ingest', variant: Variant = thisCheckout): Promise<void> {
  await withTarget(
    'service',
    { ...engineEnv(engine), BENCH_START_WORKER: 'false' },
    async (target) => {
      await fill(`${target.url}/api/webhook/${scenarioConfigs['drain-echo'].path}`, drainEvents);
      const asyncMax = rows.find(
        (r) => r.engine === engine && unlabelled(r.scenario) === 'async-echo' && r.connections === 64,
      )?.rps;
      const pace = during === 'ingest' ? Math.max(1, Math.round((asyncMax ?? 1_000) / 2)) : undefined;
      const background = pace
        ? autocannon(
            {
              url: `${target.url}/api/webhook/${scenarioConfigs['async-echo'].path}`,
              method: 'POST',
              body: payload,
              headers: { 'content-type': 'application/json' },
              connections: 64,
              overallRate: pace,
              duration: 600,
            },
            () => {},
          )
        : undefined;
      const drainOnce = () => drainQueued(target, 'drain-echo', pace !== undefined);
      // The CPU per event is only the drain's own when nothing else runs.
      const { events, ...result } = pace ? await drainOnce() : await withCpu(target, drainOnce);
      background?.stop();
      const note = pace
        ? `${events} events drained while async ingest ran at ${pace} req/s`
        : `${events} events drained, ingest idle`;
      record(engine, labelled(`drain (${during})`, variant), null, result, await target.ask({ kind: 'rss' }), note);
    },
    variant.checkout,
  );
}

/**
 * Starts the target's workers and waits until no event of `key` is left queued or running (`beside`:
 * while other events are accepted, so only `key`'s are counted).
 */
async function drainQueued(target: TargetProcess, key: string, beside = false): Promise<LoadResult & { events: number }> {
  const drained = await target.ask<{ events: number; seconds: number; perSecond: number }>({ kind: 'drain', key, beside });
  return { rps: drained.perSecond, p50: NaN, p99: NaN, max: NaN, errors: 0, requests: drained.events, events: drained.events };
}

/**
 * `drain-history`: `--history` finished events written with SQL, then a `--backlog` accepted over
 * HTTP with the workers stopped, then drained; p50/p99 are the claim statement's, in ms.
 * `held-snapshot`: the same while another connection holds a REPEATABLE READ snapshot throughout.
 */
async function runDrainWithHistory(engine: Engine, holdSnapshot: boolean): Promise<void> {
  const history = Number(args.history);
  const backlog = Number(args.backlog);
  await withTarget('service', { ...engineEnv(engine), BENCH_START_WORKER: 'false' }, async (target) => {
    const seeded = performance.now();
    if (history > 0)
      await target.ask({ kind: 'history', key: 'drain-echo', count: history, days: Number(args['history-days']), body: payload });
    console.log(`${history} events of history written in ${((performance.now() - seeded) / 1000).toFixed(0)} s`);
    await fill(`${target.url}/api/webhook/${scenarioConfigs['drain-echo'].path}`, backlog);
    await target.ask({ kind: 'claimTimes' });
    const holder = holdSnapshot ? await holdRepeatableRead() : undefined;
    try {
      const { events, ...result } = await withCpu(target, () => drainQueued(target, 'drain-echo'));
      const claims = (await target.ask<number[]>({ kind: 'claimTimes' })).sort((a, b) => a - b);
      const at = (q: number) => claims[Math.min(claims.length - 1, Math.floor(q * claims.length))] ?? NaN;
      const note = `${events} events drained beside ${history} of history; ${claims.length} claims${holder ? ', snapshot held' : ''}`;
      const scenario = holdSnapshot ? 'held-snapshot' : 'drain-history';
      record(
        engine,
        scenario,
        null,
        { ...result, p50: at(0.5), p99: at(0.99), max: at(1) },
        await target.ask({ kind: 'rss' }),
        note,
      );
    } finally {
      await holder?.release();
    }
  });
}

/** A reporting query's transaction: a REPEATABLE READ snapshot held open until released. */
async function holdRepeatableRead(): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await client.query('SELECT count(*) FROM pg_class');
  return {
    async release() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

/**
 * `churn`: two rounds on one database and one service, no VACUUM between them: async ingest (workers
 * running), the drain of the backlog it left, sync echo, sync script. Each row's ratio is to the
 * baselines of this run, so round 2 beside round 1 shows the decay.
 */
async function runChurn(engine: Engine): Promise<void> {
  await withTarget('service', engineEnv(engine), async (target) => {
    for (const round of [1, 2]) {
      for (const scenario of ['async-echo', 'sync-echo', 'sync-script'] as const) {
        const { path, status } = ingestScenarios[scenario]!;
        for (const connections of connectionLevels) {
          const result = await measure(target, post(`${target.url}/api/webhook/${path}`, status, connections));
          record(engine, `churn ${round}: ${scenario}`, connections, result, await target.ask({ kind: 'rss' }));
        }
        if (scenario !== 'async-echo') continue;
        const { events, ...drained } = await withCpu(target, () => drainQueued(target, 'async-echo'));
        record(
          engine,
          `churn ${round}: drain`,
          null,
          drained,
          await target.ask({ kind: 'rss' }),
          `${events} events left by async ingest`,
        );
      }
    }
  });
}

/** `ordered-drain`: `--ordered-events` over `--ordered-keys` keys queued with the workers stopped, then drained. */
async function runOrderedDrain(engine: Engine, variant: Variant = thisCheckout): Promise<void> {
  const count = Number(args['ordered-events']);
  const keys = Number(args['ordered-keys']);
  await withTarget(
    'service',
    { ...engineEnv(engine), BENCH_START_WORKER: 'false' },
    async (target) => {
      let n = 0;
      const requests = [{ setupRequest: (request: object) => ({ ...request, body: orderedNotification(n++, keys) }) }];
      await fill(`${target.url}/api/webhook/${scenarioConfigs['ordered-echo'].path}`, count, requests);
      const { events, ...result } = await withCpu(target, () => drainQueued(target, 'ordered-echo'));
      record(
        engine,
        labelled('ordered-drain', variant),
        null,
        result,
        await target.ask({ kind: 'rss' }),
        `${events} events over ${keys} keys`,
      );
    },
    variant.checkout,
  );
}

/**
 * `limited`: two service processes on one PostgreSQL schema forward `--limited-events` events (half
 * accepted by each) to a target in this process, through a configuration limited to 50 a second and
 * 10 at once; the target notes each arrival and how many it holds (100 ms each) at once.
 */
async function runLimited(): Promise<void> {
  const count = Number(args['limited-events']);
  const forward = await startRecordingTarget(100);
  const schema = `bench_limited_${Date.now().toString(36)}`;
  const env = {
    ...engineEnv('postgres'),
    BENCH_SCHEMA: schema,
    BENCH_FORWARD_URL: `${forward.url}/core`,
    FORWARD_ALLOWED_HOSTS: '127.0.0.1',
  };
  try {
    await withTarget('service', env, (a) =>
      withTarget('service', { ...env, BENCH_FIRST_OF_SCHEMA: 'false' }, async (b) => {
        const path = `/api/webhook/${limitedForwardConfig('').path}`;
        const started = performance.now();
        await Promise.all([fill(`${a.url}${path}`, count / 2), fill(`${b.url}${path}`, count / 2)]);
        while ((await a.ask<number>({ kind: 'queued' })) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        const seconds = (performance.now() - started) / 1000;
        const arrivals = forward.arrivals;
        const note =
          `${arrivals.length} arrivals for ${count} events, 2 processes; the target saw at most ` +
          `${maxWithin(arrivals, 1_000)} in any 1 s window (sliding), ${maxPerCalendarSecond(arrivals)} in any wall-clock second, ` +
          `${forward.maxInFlight()} at once`;
        const result = { rps: count / seconds, p50: NaN, p99: NaN, max: NaN, errors: 0, requests: count };
        record('postgres', 'limited (50/s, 10 at once)', null, result, await a.ask({ kind: 'rss' }), note);
      }),
    );
  } finally {
    await forward.close();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

/** A forward target: notes when each request arrives (wall clock, ms) and how many it holds at once. */
async function startRecordingTarget(holdMs: number) {
  const arrivals: number[] = [];
  let inFlight = 0;
  let most = 0;
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.push(Date.now());
      inFlight += 1;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      }, holdMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrivals,
    maxInFlight: () => most,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The most of `times` (ms) within any window of `windowMs`. */
function maxWithin(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((x, y) => x - y);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= windowMs) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** The most of `times` (ms) in any one wall-clock second. */
function maxPerCalendarSecond(times: readonly number[]): number {
  const perSecond = new Map<number, number>();
  for (const time of times) perSecond.set(Math.floor(time / 1000), (perSecond.get(Math.floor(time / 1000)) ?? 0) + 1);
  return Math.max(0, ...perSecond.values());
}

/** Sends exactly `count` async webhooks (64 at a time) and checks every one was accepted. */
async function fill(url: string, count: number, requests?: autocannon.Request[]): Promise<void> {
  const result = await autocannon({
    url,
    method: 'POST',
    body: payload,
    headers: { 'content-type': 'application/json' },
    connections: 64,
    amount: count,
    ...(requests && { requests }),
    // Seconds: a loaded shared machine answers some requests late, never wrongly.
    timeout: 60,
  });
  const accepted = result.statusCodeStats?.['202' as keyof typeof result.statusCodeStats]?.count ?? 0;
  if (accepted !== count)
    throw new Error(
      `queued ${accepted} of ${count} events: ${JSON.stringify(result.statusCodeStats)}, ${result.timeouts} timeouts`,
    );
}

/** --soak S: async ingest on PostgreSQL for S seconds at 64 connections, RSS every 10 s. */
async function soak(totalSeconds: number): Promise<void> {
  await withTarget('service', engineEnv('postgres'), async (target) => {
    const url = `${target.url}/api/webhook/${scenarioConfigs['async-echo'].path}`;
    await runHttpLoad({ url, body: payload, connections: 64, seconds: Math.max(warmupSeconds, 5), expectedStatus: 202 });
    const afterWarmup = await target.ask<number>({ kind: 'rss' });
    console.log(`soak: RSS after warm-up ${afterWarmup} MiB`);
    const load = runHttpLoad({ url, body: payload, connections: 64, seconds: totalSeconds, expectedStatus: 202 });
    const sampler = setInterval(async () => console.log(`soak: RSS ${await target.ask<number>({ kind: 'rss' })} MiB`), 10_000);
    const result = await load;
    clearInterval(sampler);
    const atEnd = await target.ask<number>({ kind: 'rss' });
    console.log(
      `soak: ${result.rps.toFixed(0)} req/s, ${result.errors} errors; RSS ${afterWarmup} -> ${atEnd} MiB (${(((atEnd - afterWarmup) / afterWarmup) * 100).toFixed(1)}%)`,
    );
  });
}

console.log(
  `bench on ${machineLine()}: ${seconds} s per measurement after ${warmupSeconds} s warm-up, connections ${connectionLevels.join('/')}`,
);
if (args.soak) {
  await soak(Number(args.soak));
} else {
  await runBaselines();
  for (const engine of list(args.engines) as Engine[]) {
    for (const scenario of scenarios) await runScenario(engine, scenario);
  }
  console.log(`\n${markdownTable(rows)}\n`);
  if (otherCheckouts.length > 0) console.log(`${compareCheckouts(rows, otherCheckouts[0]!.label)}\n`);
  const settings = { seconds, warmupSeconds, connectionLevels, drainEvents };
  console.log(`results: ${await saveResults(rows, settings)}`);
}
