import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signingKeyFilePath } from '../../src/auth/signing-key-file.js';
import { dataDirLockFileName } from '../../src/store/data-dir-lock.js';
import { startChildService } from '../helpers/child-service.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Runs one of the CLIs (src/cli/*.ts) to its end. */
function runCli(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
}

describe('one PGlite data folder, one process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bpm-webhooks-locked-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses a second server, migrate and a token that needs the database, naming the folder and the running process', async () => {
    const env = { DATA_DIR: dataDir };
    const first = await startChildService(env, 240_000);
    try {
      const inUse = `DATA_DIR ${dataDir} is in use by process ${first.process.pid} on host `;
      await expect(startChildService(env, 120_000)).rejects.toThrow(inUse);

      const migrate = await runCli('src/cli/migrate.ts', [], env);
      expect(migrate.code).toBe(1);
      expect(migrate.stderr).toContain(inUse);
      expect(migrate.stderr).toMatch(/Stop that process first, or set DATABASE_URL to a PostgreSQL server/);
      expect(migrate.stderr).toMatch(/The running server applies migrations itself/);

      // The server mirrors its signing key into DATA_DIR: the token CLI reads it and leaves the database alone.
      const token = await runCli('src/cli/token.ts', ['--scope', 'webhooks:read'], env);
      expect(token).toMatchObject({ code: 0, stderr: '' });
      expect(token.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      const health = await fetch(`${first.baseUrl}/api/bpm/cmd`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.stdout.trim()}` },
        body: JSON.stringify({ $type: 'GetWebHookConfigListQuery' }),
      });
      expect(health.status).toBe(200);

      await rm(signingKeyFilePath(dataDir));
      const refused = await runCli('src/cli/token.ts', ['--scope', 'webhooks:read'], env);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(inUse);
      expect(refused.stderr).toMatch(/The token CLI reads the signing key the server writes to .*; that file is missing/);
    } finally {
      // A killed process cannot remove its lock file; the next start finds its pid gone and takes over.
      await first.stop('SIGKILL');
    }
    expect(existsSync(join(dataDir, dataDirLockFileName))).toBe(true);

    const second = await startChildService(env, 240_000);
    expect(await second.stop('SIGTERM')).toBe(0);
    expect(existsSync(join(dataDir, dataDirLockFileName))).toBe(false);
    const migrate = await runCli('src/cli/migrate.ts', [], env);
    expect(migrate).toMatchObject({ code: 0, stdout: 'migrations applied (pglite)\n' });
  }, 900_000);
});
