/**
 * Script benchmark: runs per second of one small transforming script through the real ExecuteCode
 * path (script hosts, channel, SES compartment per run) with one and two callers, beside the same
 * function called natively and beside the previous path (a fresh V8 context per run, in process), in
 * one run on the same machine; then the RSS of the service and of the hosts over BENCH_RUNS runs.
 *   npm run bench:scripts            (BENCH_SECONDS=5 per case, BENCH_RUNS=100000)
 */
import { readFileSync } from 'node:fs';
import ivm from 'isolated-vm';
import type { Knex } from 'knex';
import { pino } from 'pino';
import { createCommandBus } from '../src/commands/command-bus.js';
import { authorize } from '../src/commands/interceptors/authorize.js';
import { echoCommand } from '../src/commands/native/echo-command.js';
import { loadConfig } from '../src/config/config.js';
import type { ExecutionJob } from '../src/executors/execution-job.js';
import { createHostIsolate } from '../src/executors/script/host/host-isolate.js';
import { createScriptExecutor } from '../src/executors/script/script-executor.js';
import { createScriptSandbox } from '../src/executors/script/script-sandbox.js';
import { createWebhookCommandPort } from '../src/commands/webhook-command-port.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rssRuns = Number(process.env.BENCH_RUNS ?? 100_000);

const code = `
  const items = body.data.items.map((item) => ({ sku: item.sku, kobo: Math.round(item.amount * 100) }));
  const total = items.reduce((sum, item) => sum + item.kobo, 0);
  return { reference: body.data.reference, customer: body.data.customer.email.toLowerCase(), items, total, paid: body.event === 'charge.success' };
`;
// The same transformation, which also sends its result through one doCmd: such a script runs on
// isolated-vm's thread and waits for the service in the middle of its run.
const codeWithCommand = `${code.replace('return {', 'const result = {')} return doCmd('EchoCommand', result).data;`;
const body = {
  event: 'charge.success',
  data: {
    reference: 'PSK-2026-11-28-000123',
    customer: { email: 'Adaeze.Okafor@Example.ng' },
    items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${i}`, amount: 1250.5 + i })),
  },
};
const context = { body, key: 'paystack-charge', method: 'POST' };

type Case = { name: string; run: () => unknown; callers: number; calls: number; elapsedMs: number };

/** One slice of a case: as many calls as `callers` loops make in `ms`. */
async function measureSlice(benchCase: Case, ms: number): Promise<void> {
  const started = performance.now();
  const until = started + ms;
  await Promise.all(
    Array.from({ length: benchCase.callers }, async () => {
      while (performance.now() < until) {
        await benchCase.run();
        benchCase.calls += 1;
      }
    }),
  );
  benchCase.elapsedMs += performance.now() - started;
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
    local.runner.applySync(undefined, ['bench', code, input, undefined, 100, 2_000, 1_048_576], { timeout: 1_000 }) as string,
  );

// A generous timeout: the first runs on a loaded machine may wait for a host to be scheduled.
const limits = { ...loadConfig({}).executors.script, hosts: 2, poolSize: 2, timeoutMs: 10_000 };
const sandbox = createScriptSandbox(limits);
// The command bus with EchoCommand and the webhook authorisation: what doCmd goes through in the service.
const bus = createCommandBus({
  commands: [echoCommand],
  interceptors: [authorize],
  db: {} as Knex,
  clock: () => new Date(),
  log: pino({ level: 'silent' }),
});
const executor = createScriptExecutor({ sandbox, runCommand: createWebhookCommandPort(bus).run, timeoutMs: limits.timeoutMs });
const requestFor = (code: string, configId: number): ExecutionJob<'script'> => ({
  target: { case: 'script', code },
  configId,
  configVersion: 1,
  timeoutMs: undefined,
  responseMode: 'sync',
  permissions: ['webhooks:write'],
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
});
const signal = new AbortController().signal;
const executeCode = (request: ReturnType<typeof requestFor>) => async () => {
  const result = await executor.execute(request, { signal });
  if (!result.success) throw new Error(`The benchmark script failed: ${(result.errors ?? []).join('; ')}`);
  return result;
};
const transform = executeCode(requestFor(code, 1));
const transformWithCommand = executeCode(requestFor(codeWithCommand, 2));

await transform();
await transformWithCommand();
const previousName = 'previous path: fresh V8 context per run, in process';
const cases: Case[] = [
  { name: 'native function (no isolation)', run: () => native(context, body), callers: 1 },
  { name: previousName, run: freshContextRun, callers: 1 },
  { name: 'SES sandbox, one isolate in process (no hosts)', run: compartmentRun, callers: 1 },
  { name: 'ExecuteCode through 2 script hosts', run: transform, callers: 1 },
  { name: 'ExecuteCode through 2 script hosts', run: transform, callers: 2 },
  { name: 'ExecuteCode through 2 script hosts, script with one doCmd', run: transformWithCommand, callers: 1 },
  { name: 'ExecuteCode through 2 script hosts, script with one doCmd', run: transformWithCommand, callers: 2 },
].map((benchCase) => ({ ...benchCase, calls: 0, elapsedMs: 0 }));

// The cases take turns, one second each, so that a change in the machine's load (shared here) falls
// on all of them alike and their ratios hold.
console.log(`script benchmark: ${seconds} s per case in 1 s turns, node ${process.version}, load average ${loadAverage()}\n`);
for (let turn = 0; turn < Math.max(1, Math.round(seconds)); turn += 1) {
  for (const benchCase of cases) await measureSlice(benchCase, Math.min(1_000, seconds * 1_000));
}
console.log('| case | callers | runs/s | µs per run | × previous path |\n|---|---:|---:|---:|---:|');
const perSecond = ({ calls, elapsedMs }: Case) => calls / (elapsedMs / 1_000);
const previous = perSecond(cases.find((benchCase) => benchCase.name === previousName) as Case);
for (const benchCase of cases) {
  const rate = perSecond(benchCase);
  const microseconds = (benchCase.elapsedMs * 1_000 * benchCase.callers) / benchCase.calls;
  console.log(
    `| ${benchCase.name} | ${benchCase.callers} | ${Math.round(rate).toLocaleString('en')} | ${Math.round(microseconds).toLocaleString('en')} | ${(rate / previous).toFixed(1)}x |`,
  );
}

console.log(`\nRSS over ${rssRuns.toLocaleString('en')} runs of the transforming script (2 callers), after the cases above:`);
console.log('| runs | service MB | hosts MB (both) |\n|---:|---:|---:|');
const rss = (done: number) => {
  const hosts = (sandbox.stats?.().pids ?? []).map(rssOfPid).reduce((sum, mb) => sum + mb, 0);
  const service = process.memoryUsage().rss / 2 ** 20;
  console.log(`| ${done.toLocaleString('en')} | ${service.toFixed(0)} | ${hosts.toFixed(0)} |`);
  return { service, hosts };
};
const warm = rss(0);
let done = 0;
let last = warm;
const step = rssRuns / 4;
await Promise.all(
  Array.from({ length: 2 }, async () => {
    while (done < rssRuns) {
      await transform();
      done += 1;
      if (done % step === 0) last = rss(done);
    }
  }),
);
const change = (from: number, to: number) => `${to >= from ? '+' : ''}${(to - from).toFixed(0)} MB`;
console.log(
  `\nfrom warm to ${rssRuns.toLocaleString('en')} runs: service ${change(warm.service, last.service)}, hosts ${change(warm.hosts, last.hosts)}`,
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
