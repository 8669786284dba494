/**
 * Process benchmark: starts per second of a three-step process (start -> three tasks -> end) run
 * Supervised to completion through the service's process runtime (instance row, lease, engine state
 * stored at every task end, final save), beside bpmn-engine alone running the same parsed definition
 * in memory, in one run on the same machine. The tasks have no scripts: what is compared is the
 * runtime's bookkeeping and persistence, not the sandbox (see `npm run bench:scripts` for that).
 * Each round measures both, one after the other, and the ratio reported is the median of the rounds'
 * ratios, so a machine that slows down mid-run does not favour the side measured first.
 *   npm run bench:processes     (BENCH_SECONDS=3 per case, BENCH_ROUNDS=3, BENCH_CONCURRENCY=8;
 *                                BENCH_DATABASE_URL for PostgreSQL, default postgres://postgres@127.0.0.1:5432/test)
 */
import { randomBytes } from 'node:crypto';
import { Engine } from 'bpmn-engine';
import type { Knex } from 'knex';
import pino from 'pino';
import { defaultProcessSettings } from '../src/config/config.js';
import { createDefinitionCache } from '../src/processes/definition-cache.js';
import { createProcessRuntime } from '../src/processes/create-process-runtime.js';
import type { ScriptSandbox } from '../src/executors/script/script-sandbox.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import { insertProcessDefinition } from '../src/store/process-definitions.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 8);
const postgresUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const bpmnXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="threeSteps" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="validate"/>
    <bpmn:task id="validate" name="Validate"/>
    <bpmn:sequenceFlow id="f2" sourceRef="validate" targetRef="score"/>
    <bpmn:task id="score" name="Score"/>
    <bpmn:sequenceFlow id="f3" sourceRef="score" targetRef="notify"/>
    <bpmn:task id="notify" name="Notify"/>
    <bpmn:sequenceFlow id="f4" sourceRef="notify" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>`;
const variables = { amount: 250_000, mandateRef: 'MR-2026-0001', customer: { id: 'C-77', band: 'A' } };

/** Runs `run` from `concurrency` loops for `seconds`; starts per second. */
async function measure(run: () => Promise<unknown>): Promise<number> {
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
  return Math.round(calls / ((performance.now() - started) / 1_000));
}

/** The tasks have no scripts; a sandbox call would be a bench bug. */
const noSandbox: ScriptSandbox = {
  run: () => Promise.reject(new Error('the benchmark process runs no scripts')),
  dispose: () => {},
};

async function serviceRuntime(db: Knex) {
  await migrateToLatest(db);
  const definition = await insertProcessDefinition(db, {
    name: `bench-${randomBytes(3).toString('hex')}`,
    processId: 'threeSteps',
    description: '',
    bpmnXml,
    deployedAt: new Date(),
    deployedBy: 'bench',
  });
  const runtime = createProcessRuntime({
    db,
    clock: () => new Date(),
    log: pino({ level: 'silent' }),
    owner: `bench:${process.pid}`,
    sandbox: noSandbox,
    scriptTimeoutMs: 1_000,
    settings: defaultProcessSettings,
    runCommand: () => Promise.reject(new Error('the benchmark process runs no commands')),
  });
  const start = async () => {
    const instance = await runtime.start(definition.id, variables, 'Supervised');
    if (instance.status !== 'COMPLETED') throw new Error(`instance ended ${instance.status}: ${instance.errors.join('; ')}`);
  };
  return { definition, runtime, start };
}

/** bpmn-engine alone, on the same parsed definition the runtime caches: its best case. */
async function engineAlone(definition: Awaited<ReturnType<typeof serviceRuntime>>['definition']) {
  const sourceContext = await createDefinitionCache().sourceContextOf(definition);
  let n = 0;
  return async () => {
    n += 1;
    const engine = new Engine({ name: `bench-${n}`, sourceContext, variables: { ...variables } });
    const ended = new Promise<void>((resolve, reject) => {
      engine.once('end', () => resolve());
      engine.once('error', reject);
    });
    await engine.execute();
    await ended;
  };
}

async function benchEngine(label: string, db: Knex) {
  const service = await serviceRuntime(db);
  const alone = await engineAlone(service.definition);
  // Warm both paths (JIT, the definition cache, the pool) before measuring.
  for (let i = 0; i < 50; i += 1) await Promise.all([service.start(), alone()]);
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const enginePerSecond = await measure(alone);
    const servicePerSecond = await measure(service.start);
    ratios.push(servicePerSecond / enginePerSecond);
    console.log(
      `${label.padEnd(10)} round ${round}: bpmn-engine alone ${String(enginePerSecond).padStart(6)}/s   service runtime ${String(servicePerSecond).padStart(6)}/s   ratio ${ratios.at(-1)!.toFixed(2)}x`,
    );
  }
  await service.runtime.dispose();
  const median = [...ratios].sort((a, b) => a - b)[Math.floor(ratios.length / 2)]!;
  console.log(`${label.padEnd(10)} median ratio ${median.toFixed(2)}x`);
  return { label, median };
}

const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
console.log(`three-step process, Supervised to COMPLETED, ${concurrency} concurrent starts, ${seconds} s per case`);
for (const engine of engines) {
  if (engine === 'pglite') {
    const db = await openDatabase({ engine: 'pglite', dataDir: undefined });
    await benchEngine('pglite', db);
    await db.destroy();
  } else {
    const schema = `bench_processes_${randomBytes(3).toString('hex')}`;
    const admin = await openDatabase({ engine: 'postgres', url: postgresUrl, poolMax: 1 });
    await admin.raw(`create schema ${schema}`);
    const db = await openDatabase({ engine: 'postgres', url: postgresUrl, poolMax: 10 }, { searchPath: schema });
    try {
      await benchEngine('postgres', db);
    } finally {
      await db.destroy();
      await admin.raw(`drop schema ${schema} cascade`);
      await admin.destroy();
    }
  }
}
