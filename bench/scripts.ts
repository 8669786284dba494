/**
 * Script benchmark: calls per second of one small transforming script, run natively, in node:vm
 * and in the isolated-vm sandbox that ExecuteCode uses, in one run on the same machine.
 *   npm run bench:scripts            (BENCH_SECONDS=2 per case by default)
 */
import vm from 'node:vm';
import ivm from 'isolated-vm';
import { loadConfig } from '../src/config/config.js';
import { createScriptSandbox } from '../src/executors/script/script-sandbox.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);

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
  return { name, perSecond: Math.round(calls / elapsed), microseconds: Math.round((elapsed * 1e6) / calls) };
}

const native = new Function('context', 'body', code) as (context: unknown, body: unknown) => unknown;

const vmScript = new vm.Script(`(function (context, body) {${code}\n})`);
const reusedVmContext = vm.createContext({});
const reusedVmFunction = vmScript.runInContext(reusedVmContext) as (context: unknown, body: unknown) => unknown;

const limits = { ...loadConfig({}).executors.script, poolSize: 2 };
const sandbox = createScriptSandbox(limits);
const sandboxRun = () =>
  sandbox.run({
    cacheKey: 'bench',
    code,
    context,
    timeoutMs: 1_000,
    runCommand: async () => ({ isSuccessful: true, message: '', data: null, errors: [] }),
  });

const isolate = new ivm.Isolate({ memoryLimit: 64 });
const ivmContext = isolate.createContextSync();
const ivmTransform = isolate
  .compileScriptSync(`(function (json) { const context = JSON.parse(json); const body = context.body; return JSON.stringify((function () {${code}\n})()); })`)
  .runSync(ivmContext, { reference: true }) as ivm.Reference<(json: string) => string>;

const cases: Case[] = [
  { name: 'native function (no isolation)', run: () => native(context, body) },
  { name: 'node:vm, one reused context (no isolation between runs)', run: () => reusedVmFunction(context, body) },
  {
    name: 'node:vm, fresh context per call (not a security boundary)',
    run: () => (vmScript.runInContext(vm.createContext({})) as typeof native)(structuredClone(context), structuredClone(body)),
  },
  {
    name: 'isolated-vm, one reused context, JSON in/out (no isolation between runs)',
    run: () => JSON.parse(ivmTransform.applySync(undefined, [JSON.stringify(context)], { timeout: 1_000 })),
  },
  { name: 'ExecuteCode sandbox, 1 caller (fresh context per run)', run: sandboxRun },
  { name: `ExecuteCode sandbox, ${limits.poolSize} callers, pool of ${limits.poolSize}`, run: sandboxRun, concurrency: limits.poolSize },
];

const first = await sandboxRun();
if (!first.ok) throw new Error(`The benchmark script failed: ${first.error}`);
console.log(`script benchmark: ${seconds} s per case, node ${process.version}\n`);
console.log('| case | calls/s | µs per call |\n|---|---:|---:|');
for (const benchCase of cases) {
  const { name, perSecond, microseconds } = await measure(benchCase);
  console.log(`| ${name} | ${perSecond.toLocaleString('en')} | ${microseconds.toLocaleString('en')} |`);
}
sandbox.dispose();
isolate.dispose();
