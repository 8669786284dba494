/**
 * Script benchmark: runs per second of one small transforming script through the real ExecuteCode
 * path (script hosts, channel, SES compartment per run), beside the same function called natively and
 * beside the previous path (a fresh V8 context per run, in process), in one run on the same machine;
 * then the RSS of the service and of the hosts over BENCH_RUNS runs.
 *   npm run bench:scripts            (BENCH_SECONDS=3 per case, BENCH_RUNS=100000)
 */
import { readFileSync } from 'node:fs';
import ivm from 'isolated-vm';
import type { CommandBus } from '../src/commands/command-bus.js';
import { loadConfig } from '../src/config/config.js';
import type { ExecutionJob } from '../src/executors/execution-job.js';
import { createHostIsolate } from '../src/executors/script/host/host-isolate.js';
import { createScriptExecutor } from '../src/executors/script/script-executor.js';
import { createScriptSandbox } from '../src/executors/script/script-sandbox.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rssRuns = Number(process.env.BENCH_RUNS ?? 100_000);

const code = `
  const items = body.data.items.map((item) => ({ sku: item.sku, kobo: Math.round(item.amount * 100) }));
  const total = items.reduce((sum, item) => sum + item.kobo, 0);
  return { reference: body.data.reference, customer: body.data.customer.email.toLowerCase(), items, total, paid: body.event === 'charge.success' };
`;
const body = {
  event: 'charge.success',
  data: {
    reference: 'PSK-2026-11-28-000123',
    customer: { email: 'Adaeze.Okafor@Example.ng' },
    items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${i}`, amount: 1250.5 + i })),
  },
};
const context = { body, key: 'paystack-charge', method: 'POST' };

type Case = { name: string; run: () => unknown; concurrency?: number };

async function measure({ name, run, concurrency = 1 }: Case): Promise<{ name: string; perSecond: number; microseconds: number }> {
  const until = performance.now() + seconds * 1_000;
  let calls = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await run();
        calls += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1_000;
  return { name, perSecond: Math.round(calls / elapsed), microseconds: Math.round((elapsed * 1e6 * concurrency) / calls) };
}

const native = new Function('context', 'body', code) as (context: unknown, body: unknown) => unknown;

// The previous ExecuteCode path: a fresh V8 context per run in the service's own isolate.
const oldIsolate = new ivm.Isolate({ memoryLimit: 64 });
const oldScript = oldIsolate.compileScriptSync(
  `(function (json) { const context = JSON.parse(json); const body = context.body; return JSON.stringify((function () {${code}\n})()); })`,
);
const freshContextRun = async () => {
  const fresh = await oldIsolate.createContext();
  try {
    const fn = (await oldScript.run(fresh, { reference: true })) as ivm.Reference<(json: string) => string>;
    const out = await fn.apply(undefined, [JSON.stringify(context)], { timeout: 1_000 });
    fn.release();
    return JSON.parse(out);
  } finally {
    fresh.release();
  }
};

// One locked-down isolate in this process: the sandbox's own cost, without hosts and channel.
const local = createHostIsolate(64);
const input = JSON.stringify({ context });
const compartmentRun = () =>
  JSON.parse(
    local.runner.applySync(undefined, ['bench', code, input, null, 100, 2_000, 1_048_576], { timeout: 1_000 }) as string,
  );

// A generous timeout: the first runs on a loaded machine may wait for a host to be scheduled.
const limits = { ...loadConfig({}).executors.script, hosts: 2, poolSize: 2, timeoutMs: 10_000 };
const sandbox = createScriptSandbox(limits);
// No doCmd here: the bus is never called.
const executor = createScriptExecutor({ sandbox, bus: {} as CommandBus, timeoutMs: limits.timeoutMs });
const request: ExecutionJob = {
  executionType: 2,
  executionCode: code,
  configId: 1,
  configVersion: 1,
  commandName: '',
  commandChain: [],
  processDefinitionId: undefined,
  timeoutMs: undefined,
  responseMode: 'sync',
  context: {
    body,
    rawBody: '',
    headers: {},
    query: {},
    method: 'POST',
    path: 'paystack/charge',
    key: 'paystack-charge',
    clientIp: '',
    eventId: 1,
    receivedAt: null,
    attempt: 1,
    fields: {},
  },
};
const signal = new AbortController().signal;
const executeCode = async () => {
  const result = await executor.execute(request, { signal });
  if (!result.success) throw new Error(`The benchmark script failed: ${(result.errors ?? []).join('; ')}`);
  return result;
};

await executeCode();
const cases: Case[] = [
  { name: 'native function (no isolation)', run: () => native(context, body) },
  { name: 'previous path: fresh V8 context per run, in process, 1 caller', run: freshContextRun },
  { name: 'SES sandbox, one isolate in process (no hosts), 1 caller', run: compartmentRun },
  { name: 'ExecuteCode: 2 script hosts, SES sandbox, 1 caller', run: executeCode },
  { name: 'ExecuteCode: 2 script hosts, SES sandbox, 2 callers', run: executeCode, concurrency: 2 },
];

console.log(`script benchmark: ${seconds} s per case, node ${process.version}, load average ${loadAverage()}\n`);
console.log('| case | runs/s | µs per run |\n|---|---:|---:|');
const results: Record<string, number> = {};
for (const benchCase of cases) {
  const { name, perSecond, microseconds } = await measure(benchCase);
  results[name] = perSecond;
  console.log(`| ${name} | ${perSecond.toLocaleString('en')} | ${microseconds.toLocaleString('en')} |`);
}
const twoCallers = results[cases[4]!.name]!;
const previous = results[cases[1]!.name]!;
console.log(`\nExecuteCode with 2 callers: ${(twoCallers / previous).toFixed(1)}x the previous path with 1 caller`);

console.log(`\nRSS over ${rssRuns.toLocaleString('en')} runs (2 callers):`);
console.log('| runs | service MB | hosts MB |\n|---:|---:|---:|');
const rss = (done: number) => {
  const hosts = (sandbox.stats?.().pids ?? []).map(rssOfPid).reduce((sum, mb) => sum + mb, 0);
  console.log(`| ${done.toLocaleString('en')} | ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} | ${hosts.toFixed(0)} |`);
};
rss(0);
let done = 0;
const step = rssRuns / 4;
await Promise.all(
  Array.from({ length: 2 }, async () => {
    while (done < rssRuns) {
      await executeCode();
      done += 1;
      if (done % step === 0) rss(done);
    }
  }),
);
sandbox.dispose();
oldIsolate.dispose();
local.isolate.dispose();

function rssOfPid(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
