import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService } from '../helpers/child-service.js';
import { mintAdminToken, testSecret } from '../helpers/tokens.js';

async function command(baseUrl: string, body: object) {
  const response = await fetch(`${baseUrl}/api/bpm/cmd`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await mintAdminToken()}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { success: boolean; data: unknown } };
}

describe('the service on its embedded database', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bpm-webhooks-data-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('starts with no database server, serves health, and keeps its data across a restart', async () => {
    const first = await startChildService({ DATA_DIR: dataDir, AUTH_HS256_SECRET: testSecret });
    try {
      expect((await fetch(`${first.baseUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${first.baseUrl}/readyz`)).json()).toEqual({ status: 'ready' });
      const created = await command(first.baseUrl, {
        $type: 'CreateWebHookConfigCommand',
        key: 'remita-payment',
        path: 'remita/payment',
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
      });
      expect(created).toMatchObject({ status: 200, body: { success: true } });
    } finally {
      expect(await first.stop('SIGTERM')).toBe(0);
    }
    expect(first.logs.some((entry) => entry.msg === 'stopped')).toBe(true);

    const second = await startChildService({ DATA_DIR: dataDir, AUTH_HS256_SECRET: testSecret });
    try {
      const found = await command(second.baseUrl, { $type: 'LookupWebHookByKeyCommand', key: 'remita-payment' });
      expect(found).toMatchObject({ status: 200, body: { data: { key: 'remita-payment', path: 'remita/payment' } } });
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('refuses to start with a bad setting and names the variable', async () => {
    await expect(startChildService({ DATA_DIR: dataDir, PORT: 'eighty' }, 20_000)).rejects.toThrow(/PORT/);
    await expect(
      startChildService({ DATA_DIR: dataDir, COMMAND_MODULES: 'test/fixtures/command-modules/throws-on-load.js' }, 20_000),
    ).rejects.toThrow(
      /COMMAND_MODULES: cannot load test\/fixtures\/command-modules\/throws-on-load\.js: cannot reach the core banking host/,
    );
  }, 45_000);
});
