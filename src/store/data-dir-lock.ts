import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { AppError } from '../errors.js';

/** An exclusive hold on a PGlite data folder; `release` is idempotent and also runs on process exit. */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/** Who holds a data folder, as written in its lock file. */
export interface DataDirOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

/** The lock file's name inside DATA_DIR. */
export const dataDirLockFileName = 'bpm-webhooks.lock';

/** Folders this process holds: a lock naming our own pid is stale unless it is one of these (pid 1 in a restarted container). */
const heldByThisProcess = new Set<string>();

/**
 * Takes the data folder for this process: creates `DATA_DIR/bpm-webhooks.lock` with `open(..., 'wx')`
 * (atomic: of two processes, one wins) holding the owner's pid and host. A lock left by a process that
 * is gone from this host is stale and taken over; any other refuses with a `failed_precondition`
 * error naming the folder and its owner. PGlite itself has no such guard, and two processes writing
 * one folder silently lose each other's commits.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(resolve(dataDir), dataDirLockFileName);
  if (heldByThisProcess.has(path)) throw lockedError(dataDir, { pid: process.pid, host: hostname(), since: 'earlier' });
  for (let attempt = 0; ; attempt += 1) {
    const owner: DataDirOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(owner)}\n`);
      } finally {
        closeSync(fd);
      }
      return holdLock(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = readOwner(path);
    if (attempt < 3 && (current === undefined || isStale(current))) {
      // Gone or half-written by a process that died at once: remove it and race for it again.
      removeQuietly(path);
      continue;
    }
    throw lockedError(dataDir, current ?? { pid: 0, host: 'unknown', since: 'unknown' });
  }
}

function holdLock(path: string): DataDirLock {
  heldByThisProcess.add(path);
  const release = () => {
    if (!heldByThisProcess.delete(path)) return;
    process.off('exit', release);
    removeQuietly(path);
  };
  process.on('exit', release);
  return { path, release };
}

function readOwner(path: string): DataDirOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<DataDirOwner>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string') return undefined;
    return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? 'unknown') };
  } catch {
    return undefined;
  }
}

/** Only a lock from this host can be judged: another host's process may well be alive. */
function isStale(owner: DataDirOwner): boolean {
  if (owner.host !== hostname()) return false;
  if (owner.pid === process.pid) return true; // not in heldByThisProcess: left by an earlier life of this pid
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  return isZombie(owner.pid);
}

/** A killed process its parent has not reaped yet still answers kill(pid, 0); on Linux its state says so. */
function isZombie(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** True for the error `lockDataDir` throws when another process holds the folder. */
export function isDataDirLocked(error: unknown): error is AppError & { readonly reason: 'data_dir_locked' } {
  return error instanceof Error && (error as { reason?: unknown }).reason === 'data_dir_locked';
}

function lockedError(dataDir: string, owner: DataDirOwner): AppError {
  const error = new AppError(
    'failed_precondition',
    [
      `DATA_DIR ${dataDir} is in use by process ${owner.pid} on host ${owner.host} (since ${owner.since}).`,
      'PGlite allows one process per data folder: a second one would silently lose acknowledged writes.',
      'Stop that process first, or set DATABASE_URL to a PostgreSQL server to run several processes on one database.',
      `If no such process is running, delete ${join(dataDir, dataDirLockFileName)}.`,
    ].join('\n'),
  );
  return Object.assign(error, { reason: 'data_dir_locked' as const });
}
