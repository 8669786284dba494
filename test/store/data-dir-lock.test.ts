import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataDirLockFileName, isDataDirLocked, lockDataDir } from '../../src/store/data-dir-lock.js';

describe('the PGlite data folder lock', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bpm-webhooks-lock-'));
    lockFile = join(dir, dataDirLockFileName);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes its pid and host, refuses a second hold, and removes the file on release', () => {
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    let refusal: unknown;
    try {
      lockDataDir(dir);
    } catch (error) {
      refusal = error;
    }
    expect(isDataDirLocked(refusal)).toBe(true);
    expect((refusal as Error).message).toContain(`DATA_DIR ${dir} is in use by process ${process.pid} on host ${hostname()}`);
    lock.release();
    lock.release();
    expect(existsSync(lockFile)).toBe(false);
    lockDataDir(dir).release();
  });

  it('takes over a lock left by a process that is gone from this host', () => {
    // A pid above the kernel's pid_max cannot be running.
    writeFileSync(lockFile, JSON.stringify({ pid: 2 ** 30, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it.skipIf(!existsSync('/proc/self/stat'))(
    'takes over a lock of a killed process that its parent has not reaped yet',
    async () => {
      // The shell's `sleep 0` exits, and the `sleep 60` the shell became never reaps it: a zombie.
      const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
      try {
        const pid = Number(
          await new Promise<string>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))),
        );
        for (let tries = 0; !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); tries += 1) {
          if (tries > 200) throw new Error('no zombie');
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        writeFileSync(lockFile, JSON.stringify({ pid, host: hostname(), since: 'then' }));
        lockDataDir(dir).release();
      } finally {
        parent.kill('SIGKILL');
      }
    },
  );

  it('takes over a half-written lock file, but never one held by a live process or another host', () => {
    writeFileSync(lockFile, '');
    lockDataDir(dir).release();

    writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: hostname(), since: 'then' }));
    expect(() => lockDataDir(dir)).toThrow(`is in use by process ${process.ppid} on host ${hostname()}`);
    writeFileSync(lockFile, JSON.stringify({ pid: 2 ** 30, host: 'other-host', since: 'then' }));
    expect(() => lockDataDir(dir)).toThrow(/on host other-host .*\n.*one process per data folder.*\n.*DATABASE_URL.*PostgreSQL/);
  });
});
