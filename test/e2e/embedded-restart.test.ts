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
    const nibss = 'examples/commands/nibss-commands.js';
    const first = await startChildService({ DATA_DIR: dataDir, AUTH_HS256_SECRET: testSecret, COMMAND_MODULES: nibss });
    try {
      expect((await fetch(`${first.baseUrl}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${first.baseUrl}/readyz`)).json()).toEqual({ status: 'ready', unrunnableConfigs: [] });
      const chain = await command(first.baseUrl, {
        $type: 'CreateWebHookConfigCommand',
        key: 'nibss-credits',
        path: 'nibss/credits',
        action: 'POST',
        executionType: 1,
        commandName: 'ProcessNibssPaymentNotificationCommand,EchoCommand',
      });
      expect(chain).toMatchObject({ status: 200, body: { success: true } });
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

    // Started again without the module: the chain that needs it is named at start and by /readyz.
    const second = await startChildService({ DATA_DIR: dataDir, AUTH_HS256_SECRET: testSecret });
    try {
      const found = await command(second.baseUrl, { $type: 'LookupWebHookByKeyCommand', key: 'remita-payment' });
      expect(found).toMatchObject({ status: 200, body: { data: { key: 'remita-payment', path: 'remita/payment' } } });
      const unrunnable = [
        { id: 1, key: 'nibss-credits', problems: ['Command "ProcessNibssPaymentNotificationCommand" is not registered'] },
      ];
      expect(second.logs).toContainEqual(
        expect.objectContaining({ level: 40, unrunnableConfigs: unrunnable, msg: expect.stringContaining('nibss-credits') }),
      );
      const readiness = await fetch(`${second.baseUrl}/readyz`);
      expect(readiness.status).toBe(200);
      expect(await readiness.json()).toEqual({ status: 'ready', unrunnableConfigs: unrunnable });
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('refuses to start with a bad setting and names the variable', async () => {
    await expect(startChildService({ DATA_DIR: dataDir, PORT: 'eighty' }, 20_000)).rejects.toThrow(/PORT/);
    await expect(startChildService({ DATA_DIR: dataDir, FORWARD_ALLOWED_HOSTS: '127.0.0.1:9451' }, 20_000)).rejects.toThrow(
      /FORWARD_ALLOWED_HOSTS: "127.0.0.1:9451" would never match/,
    );
    await expect(
      startChildService({ DATA_DIR: dataDir, AUTH_HS256_SECRET: 'change-me-to-a-secret-of-at-least-32-bytes' }, 20_000),
    ).rejects.toThrow(/AUTH_HS256_SECRET: is a placeholder/);
    await expect(
      startChildService({ DATA_DIR: dataDir, COMMAND_MODULES: 'test/fixtures/command-modules/throws-on-load.js' }, 20_000),
    ).rejects.toThrow(
      /COMMAND_MODULES: cannot load test\/fixtures\/command-modules\/throws-on-load\.js: cannot reach the core banking host/,
    );
  }, 100_000);
});
