/**
 * PostgreSQL's CPU for the claim statement alone, variant beside variant in one run: each variant
 * claims (and settles) batches from one backlog on a connection of its own, in turn, and the CPU of
 * each connection's backend is read from /proc around its claims only. On a machine shared with
 * other work this is the steadiest figure of what a claim costs the database. Usage:
 *   npx tsx bench/claim-cpu.ts [--backlog 50000] [--ordered] [--batch 32] [--rounds 1500] [--baseline <checkout>]
 *   BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test); PostgreSQL on this machine.
 *
 * Variants: the claim with PostgreSQL's own choice of plan (plan_cache_mode auto, as the service
 * connects), the same with the generic plan (force_generic_plan, see BENCHMARKS.md) and, with
 * --baseline, the claim of another checkout (plan_cache_mode auto). Variants that run the same plan
 * have differed by up to 18% in one run on a loaded machine: compare several runs.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { claimOpenedAttempts } from '../src/store/claim-opened-attempts.js';
import { insertWebhookEvents } from '../src/store/insert-webhook-events.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { type Db, openDatabase } from '../src/store/open-database.js';
import { settleAttempts } from '../src/store/settle-attempts.js';
import { queuedEvent } from '../test/helpers/store-fixtures.js';

const { values: args } = parseArgs({
  options: {
    backlog: { type: 'string', default: '50000' },
    ordered: { type: 'boolean', default: false },
    batch: { type: 'string', default: '32' },
    rounds: { type: 'string', default: '1500' },
    baseline: { type: 'string' },
  },
});
const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const backlog = Number(args.backlog);
const batch = Number(args.batch);
type Claim = typeof claimOpenedAttempts;

interface Variant {
  readonly name: string;
  readonly claim: Claim;
  readonly setup?: string;
}
const variants: Variant[] = [
  { name: "PostgreSQL's choice of plan", claim: claimOpenedAttempts, setup: 'SET plan_cache_mode = auto' },
  { name: 'generic plan', claim: claimOpenedAttempts, setup: 'SET plan_cache_mode = force_generic_plan' },
];
if (args.baseline) {
  const baseline = (await import(`${args.baseline}/src/store/claim-opened-attempts.ts`)) as { claimOpenedAttempts: Claim };
  variants.unshift({
    name: `baseline (${args.baseline})`,
    claim: baseline.claimOpenedAttempts,
    setup: 'SET plan_cache_mode = auto',
  });
}

/** CPU ms (user + system) of one process so far. */
const cpuMsOf = (pid: number) => {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const schema = `claim_cpu_${randomBytes(4).toString('hex')}`;
const admin = await openDatabase({ engine: 'postgres', url, poolMax: 1 });
await admin.raw(`CREATE SCHEMA ${schema}`);
const connections: Db[] = [];
try {
  const filler = await openDatabase({ engine: 'postgres', url, poolMax: 2 }, { searchPath: schema });
  connections.push(filler);
  await migrateToLatest(filler);
  for (let done = 0; done < backlog; done += 1_000)
    await insertWebhookEvents(
      filler,
      Array.from({ length: Math.min(1_000, backlog - done) }, (_, i) => ({
        ...queuedEvent('k', new Date(), { configId: 1, configVersion: 1, maxAttempts: 3 }),
        ...(args.ordered && { orderingKey: `key-${(done + i) % 1_000}` }),
      })),
    );
  await filler.raw('ANALYZE');
  // One connection a variant: a prepared statement and its plan choice are per connection.
  const runs = [];
  for (const variant of variants) {
    const db = await openDatabase({ engine: 'postgres', url, poolMax: 1 }, { searchPath: schema });
    connections.push(db);
    if (variant.setup) await db.raw(variant.setup);
    const pid = Number((await db.raw<{ rows: { pid: number }[] }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
    runs.push({ variant, db, pid, cpuMs: 0, claims: 0, events: 0 });
  }
  for (let round = 0; round < Number(args.rounds); round++) {
    const run = runs[round % runs.length]!;
    const at = new Date();
    const before = cpuMsOf(run.pid);
    const claimed = await run.variant.claim(run.db, {
      owner: 'w',
      now: at,
      leaseMs: 60_000,
      limit: batch,
    });
    run.cpuMs += cpuMsOf(run.pid) - before;
    run.claims += 1;
    run.events += claimed.length;
    if (claimed.length === 0) throw new Error('the backlog ran out: give a larger --backlog or fewer --rounds');
    await settleAttempts(
      run.db,
      claimed.map(({ event, attemptId }) => ({
        attempt: {
          id: attemptId,
          finish: { outcome: 'succeeded', finishedAt: at, durationMs: 1, errors: null, logs: null, steps: null },
        },
        event: { id: event.id, owner: 'w', attempt: 1, settlement: { status: 'succeeded', result: {}, httpResponse: null, at } },
      })),
    );
  }
  console.log(
    `backlog ${backlog}${args.ordered ? ' over 1,000 ordering keys' : ''}, claims of ${batch}, ${args.rounds} claims in turn`,
  );
  console.log('| claim | PG CPU ms a claim | PG CPU µs an event | plans (generic / custom) |\n|---|---:|---:|---|');
  for (const run of runs) {
    const { rows } = await run.db.raw<{ rows: { generic_plans: string; custom_plans: string }[] }>(
      `SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name LIKE 'claim_opened_attempts%'`,
    );
    const plans = rows[0] ? `${rows[0].generic_plans} / ${rows[0].custom_plans}` : '';
    console.log(
      `| ${run.variant.name} | ${(run.cpuMs / run.claims).toFixed(2)} | ${((run.cpuMs * 1000) / run.events).toFixed(0)} | ${plans} |`,
    );
  }
} finally {
  await Promise.all(connections.map((db) => db.destroy()));
  await admin.raw(`DROP SCHEMA ${schema} CASCADE`);
  await admin.destroy();
}
