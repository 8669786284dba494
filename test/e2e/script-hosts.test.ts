import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWebhookEventById } from '../../src/store/webhook-events.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { scriptRequest } from '../helpers/execution-requests.js';
import { createCancellableCommand } from '../helpers/test-commands.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig, eventually } from '../helpers/webhook-calls.js';

const start = new Date('2026-12-02T05:00:00.000Z');
const code = `
  if (body.run === 'map') { const m = new Map(); for (let i = 0; ; i++) m.set(i, i); }
  if (body.run === 'array') { new Array(2 ** 26).fill(1); }
  if (body.run === 'held' && context.attempt === 1) { doCmd('CancellableTestCommand', {}); while (true) {} }
  if (body.run === 'held') throw new Error('Core banking is unreachable');
  if (body.run === 'commands') { const kept = []; for (let i = 0; ; i++) kept.push(doCmd('EchoCommand', 'x'.repeat(200000) + i)); }
  if (body.run === 'console') { for (let i = 0; i < 1000000; i++) console.log('flood'.repeat(1000), i); }
  return { mapped: body.run };
`;

/** The script host processes this test's service forked (Linux /proc). */
async function scriptHostPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (parent === process.pid && commandLine.includes('script-host-main')) pids.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return pids;
}

describe('script hosts: a script that takes its host down ends only its own run', () => {
  let database: TestDatabase;
  let service: RunningService;
  let now = start;
  const held = createCancellableCommand();
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, {
      clock: () => now,
      random: () => 0.5,
      startWorker: false,
      extraCommands: [held.command],
      // A small heap fills fast; the long timeout lets the heap breach, not the clock, end the bombs
      // (V8 spends seconds in last-resort GCs before giving up on a loaded machine).
      executors: { script: { ...defaultExecutors.script, memoryMb: 16, timeoutMs: 12_000, maxLogLines: 10 } },
      delivery: { retryBaseMs: 1_000, retryMaxMs: 4_000, leaseMs: 30_000 },
    });
    await createConfig(service.baseUrl, {
      key: 'paystack-map',
      path: '/paystack/map',
      action: 'POST',
      executionType: 2,
      executionCode: code,
      responseMode: 'async',
      maxAttempts: 2,
    });
    await createConfig(service.baseUrl, {
      key: 'paystack-array',
      path: '/paystack/array',
      action: 'POST',
      executionType: 2,
      executionCode: code,
      responseMode: 'async',
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    held.release();
    await service?.stop();
    await database?.destroy();
  });

  /** Runs one due event while polling /healthz; every probe must answer 200. */
  async function drainWhileProbing(): Promise<number> {
    let done = false;
    const draining = service.worker.drain().finally(() => (done = true));
    const probes: number[] = [];
    while (!done) {
      probes.push((await fetch(`${service.baseUrl}/healthz`)).status);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(probes.length).toBeGreaterThan(0);
    expect(new Set(probes)).toEqual(new Set([200]));
    return draining;
  }

  async function expectRetriedThenDead(run: string, error: string, beforeDrain?: () => Promise<void>) {
    now = new Date(now.getTime() + 60_000);
    const response = await callWebhook(service.baseUrl, 'paystack/map', { body: JSON.stringify({ run }) });
    expect(response.status).toBe(202);
    const eventId = (response.json.data as { eventId: number }).eventId;
    const pending = drainWhileProbing();
    await beforeDrain?.();
    expect(await pending).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'queued', attempts: 1, errors: [error] });
    now = new Date(now.getTime() + 750);
    expect(await drainWhileProbing()).toBe(1);
    expect(await findWebhookEventById(database.db, eventId)).toMatchObject({ status: 'dead', attempts: 2 });
    // A normal script still runs, on replaced hosts.
    expect(await service.execution.execute(scriptRequest(code))).toMatchObject({ success: true });
  }

  it('ends a Map that grows without end with the memory error; the event follows its retry policy', async () => {
    await expectRetriedThenDead('map', 'Script exceeded its memory limit');
  }, 120_000);

  it('ends new Array(2 ** 26).fill(1) with the memory or crash error, and dead-letters it at maxAttempts 1', async () => {
    now = new Date(now.getTime() + 60_000);
    const response = await callWebhook(service.baseUrl, 'paystack/array', { body: JSON.stringify({ run: 'array' }) });
    const eventId = (response.json.data as { eventId: number }).eventId;
    expect(await drainWhileProbing()).toBe(1);
    // V8 either aborts the host at once, or isolated-vm disposes the isolate and the host stops
    // answering until the service kills it: which one depends on the heap at that moment.
    const event = await findWebhookEventById(database.db, eventId);
    expect(event).toMatchObject({ status: 'dead', attempts: 1 });
    expect(event?.errors?.[0]).toMatch(/^(Script exceeded its memory limit|Script host crashed)$/);
    expect(await service.execution.execute(scriptRequest(code))).toMatchObject({ success: true });
  }, 120_000);

  it('fails the run with "Script host crashed" when its host is killed mid-run, and replaces the host', async () => {
    let killed = 0;
    await expectRetriedThenDead('held', 'Script host crashed', async () => {
      await held.started;
      const pids = await scriptHostPids();
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      killed = pids.length;
      held.release();
    });
    expect(killed).toBeGreaterThan(0);
    await eventually(async () => ((await scriptHostPids()).length === defaultExecutors.script.hosts ? true : undefined), 20_000);
    const text = await service.metrics.registry.metrics();
    expect(sampleValue(text, 'bpm_script_host_restarts_total', { reason: 'crashed' })).toBeGreaterThanOrEqual(killed);
  }, 120_000);

  it('bounds a script that allocates across a loop of doCmd calls, and one that floods the console', async () => {
    const commands = await callWebhook(service.baseUrl, 'paystack/map', { body: JSON.stringify({ run: 'commands' }) });
    const flood = await callWebhook(service.baseUrl, 'paystack/map', { body: JSON.stringify({ run: 'console' }) });
    now = new Date(now.getTime() + 60_000);
    expect(await drainWhileProbing()).toBe(2);
    const allocated = await findWebhookEventById(database.db, (commands.json.data as { eventId: number }).eventId);
    expect(allocated?.errors?.[0]).toMatch(/^(Error: Script exceeded 50 doCmd calls|Script exceeded its memory limit)$/);
    const flooded = await findWebhookEventById(database.db, (flood.json.data as { eventId: number }).eventId);
    expect(flooded).toMatchObject({ status: 'succeeded' });
  }, 120_000);

  it('ends both abort cases the same way in scripts that run synchronously in their host (no doCmd)', async () => {
    // The code above names doCmd, so its runs take isolated-vm's thread; these take the host's main thread.
    const bombs = {
      map: 'const m = new Map(); for (let i = 0; ; i++) m.set(i, i);',
      array: 'new Array(2 ** 26).fill(1); return 1;',
    };
    for (const [name, bomb] of Object.entries(bombs)) {
      let done = false;
      const run = service.execution.execute(scriptRequest(bomb)).finally(() => (done = true));
      const probes: number[] = [];
      while (!done) {
        probes.push((await fetch(`${service.baseUrl}/healthz`)).status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(new Set(probes), name).toEqual(new Set([200]));
      const result = await run;
      expect(result.success, name).toBe(false);
      expect(result.errors[0], name).toMatch(/^(Script exceeded its memory limit|Script host crashed)$/);
      expect(await service.execution.execute(scriptRequest('return 1 + 1;'))).toMatchObject({ success: true });
    }
  }, 120_000);
});
