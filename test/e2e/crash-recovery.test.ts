import { mkdtemp, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testSecret } from '../helpers/tokens.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const eventCount = 60;

describe('crash recovery (child processes on a PGlite data directory)', () => {
  const children: ChildService[] = [];
  let dataDir = '';
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('brings every accepted async event to one final state after SIGKILL and a restart', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bpm-webhooks-crash-'));
    // A copy of an empty cluster: initdb in WASM takes many seconds on a busy machine.
    execFileSync('tar', ['-xf', process.env.PGLITE_SEED_FILE!, '-C', dataDir]);
    const env = {
      AUTH_HS256_SECRET: testSecret,
      DATA_DIR: dataDir,
      COMMAND_MODULES: 'test/fixtures/command-modules/slow-echo.js',
      LEASE_MS: '1000',
      WORKER_CONCURRENCY: '2',
      WORKER_POLL_MS: '50',
      RETRY_BASE_MS: '50',
    };
    const first = await startChildService(env);
    children.push(first);
    await createConfig(first.baseUrl, {
      key: 'mono-callback',
      path: '/mono/callback',
      action: 'POST',
      executionType: 0,
      commandName: 'SlowEchoCommand',
      responseMode: 'async',
    });
    const responses = await Promise.all(
      Array.from({ length: eventCount }, (_, n) => callWebhook(first.baseUrl, 'mono/callback', { body: JSON.stringify({ n }) })),
    );
    // Killed while the worker is in the middle of some executions (each takes 200 ms).
    await eventually(async () => {
      const running = await command(first.baseUrl, 'GetWebhookEventListQuery', { status: 'processing' });
      return (running.data as { totalCount: number }).totalCount > 0 ? true : undefined;
    }, 10_000);
    await first.stop('SIGKILL');
    expect(responses.map((r) => r.status)).toEqual(Array(eventCount).fill(202));
    const accepted = responses.map((r) => (r.json.data as { eventId: number }).eventId);

    const second = await startChildService(env);
    children.push(second);
    const succeeded = await eventually(async () => {
      const list = await command(second.baseUrl, 'GetWebhookEventListQuery', { status: 'succeeded', pageSize: 100 });
      const page = list.data as { totalCount: number; items: { id: number }[] };
      return page.totalCount === eventCount ? page.items.map((item) => item.id) : undefined;
    }, 30_000);
    expect(succeeded.sort((a, b) => a - b)).toEqual([...accepted].sort((a, b) => a - b));

    const secondPid = String(second.process.pid);
    let interrupted = 0;
    let runBySecond = 0;
    for (const id of accepted) {
      const { data } = await command(second.baseUrl, 'GetWebhookEventByIdQuery', { id });
      const outcomes = (data as { attempts: { outcome: string; worker: string }[] }).attempts;
      // At least once: an attempt cut off by the kill shows as interrupted, then exactly one succeeds.
      expect(outcomes.map((attempt) => attempt.outcome)).toEqual([
        ...outcomes.slice(0, -1).map(() => 'interrupted'),
        'succeeded',
      ]);
      interrupted += outcomes.length - 1;
      if (outcomes.at(-1)!.worker.split(':')[1] === secondPid) runBySecond += 1;
    }
    // The kill cut some executions off, and the second process finished what the first left.
    expect(interrupted).toBeGreaterThan(0);
    expect(runBySecond).toBeGreaterThan(0);
  }, 120_000);
});
