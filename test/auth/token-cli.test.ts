import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { decodeJwt } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createManagementClient } from '../helpers/management-clients.js';

const root = join(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** The environment of a first run: no AUTH_* and no DATABASE_URL, so the embedded defaults apply. */
function embeddedEnvironment(dataDir: string): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AUTH_') && name !== 'DATABASE_URL'),
  );
  return { ...env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
}

/** `npm run token -- ...args` as a child process: its stdout, stderr and exit code. */
function runTokenCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsx, 'src/cli/token.ts', ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: stdout.trim(), stderr }));
  });
}

/** `npm start` as a child process, resolved with its port once it logs "listening". */
function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--no-node-snapshot', tsx, 'src/main.ts'], { cwd: root, env });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && entry.port) resolve({ child, port: entry.port });
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('the token CLI and the server as processes', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('signs a token before the first start and while the server runs, and the server accepts both', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'token-cli-'));
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const env = embeddedEnvironment(dataDir);

    // Before the server ever ran: the CLI opens the data directory and makes the key itself.
    const early = await runTokenCli(['--scope', 'webhooks:read webhooks:write', '--sub', 'alice', '--ttl', '10m'], env);
    expect(early, early.stderr).toMatchObject({ code: 0 });
    const claims = decodeJwt(early.stdout);
    expect(claims).toMatchObject({ sub: 'alice', scope: 'webhooks:read webhooks:write' });
    expect(claims.exp! - claims.iat!).toBe(600);

    const { child, port } = await startServer(env);
    cleanup.push(() => stopServer(child));
    const baseUrl = `http://127.0.0.1:${port}`;

    // While the server holds the data directory: the CLI reads the key the server mirrored into it.
    const reader = await runTokenCli(['--scope', 'webhooks:read', '--sub', 'bob'], env);
    expect(reader, reader.stderr).toMatchObject({ code: 0 });

    const alice = createManagementClient('gateway', baseUrl, early.stdout);
    const created = await alice.call('CreateWebHookConfigCommand', {
      key: 'first-run',
      path: 'first-run',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    expect(created).toMatchObject({ success: true });

    const bob = createManagementClient('grpc', baseUrl, reader.stdout);
    expect(await bob.call('GetWebHookConfigListQuery')).toMatchObject({ success: true, data: { totalCount: 1 } });
    expect(await bob.call('DeleteWebHookConfigCommand', { id: 1 })).toMatchObject({ code: 'permission_denied' });
    expect(await bob.call('GetAuditLogQuery', { actor: 'alice' })).toMatchObject({
      data: { totalCount: 1, items: [{ actor: 'alice', command: 'CreateWebHookConfigCommand' }] },
    });
    bob.close();
  }, 240_000);

  it('refuses unknown permissions, a missing scope and a bad ttl before touching any key', async () => {
    const dataDir = join(tmpdir(), `token-cli-never-created-${process.pid}`);
    const env = embeddedEnvironment(dataDir);
    const unknown = await runTokenCli(['--scope', 'webhooks:read admin'], env);
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toContain('Unknown permission admin');
    expect(await runTokenCli(['--ttl', '1h'], env)).toMatchObject({ code: 2 });
    const ttl = await runTokenCli(['--scope', 'webhooks:read', '--ttl', 'forever'], env);
    expect(ttl).toMatchObject({ code: 2 });
    expect(ttl.stderr).toContain('TTL "forever"');
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
  }, 60_000);

  it('signs with AUTH_HS256_SECRET when that is what the service verifies with', async () => {
    const env = { ...embeddedEnvironment('/nonexistent'), AUTH_HS256_SECRET: 'x'.repeat(32) };
    const result = await runTokenCli(['--scope', 'events:read', '--sub', 'erin'], env);
    expect(result, result.stderr).toMatchObject({ code: 0 });
    expect(decodeJwt(result.stdout)).toMatchObject({ sub: 'erin', scope: 'events:read' });
  }, 60_000);

  it("names its issuer and audience (the service's own when it enforces them), and no OS user as subject", async () => {
    const env = { ...embeddedEnvironment('/nonexistent'), AUTH_HS256_SECRET: 'x'.repeat(32) };
    const plain = await runTokenCli(['--scope', 'events:read'], env);
    expect(decodeJwt(plain.stdout)).toMatchObject({ sub: 'operator', iss: 'bpm-webhooks', aud: 'bpm-webhooks' });
    const enforced = await runTokenCli(['--scope', 'events:read'], {
      ...env,
      AUTH_ISSUER: 'https://idp.bank.ng',
      AUTH_AUDIENCE: 'webhooks',
    });
    expect(decodeJwt(enforced.stdout)).toMatchObject({ iss: 'https://idp.bank.ng', aud: 'webhooks' });
  }, 60_000);

  it('the server refuses to boot with a short HS256 secret or two key sources', async () => {
    for (const extra of [
      { AUTH_HS256_SECRET: 'too-short' },
      { AUTH_HS256_SECRET: 'x'.repeat(32), AUTH_JWKS_URL: 'https://idp.test/jwks' },
    ]) {
      const env = { ...embeddedEnvironment('/nonexistent'), ...extra };
      await expect(startServer(env)).rejects.toThrow(/server exited with 1: Invalid configuration: AUTH_/);
    }
  }, 60_000);
});
