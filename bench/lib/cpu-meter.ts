import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time spent by groups of processes, read from Linux's /proc: the target with its children
 * (script hosts, executor processes) and every PostgreSQL process. Per request, it says where a
 * scenario's cost lies when the cores, not a wait, are the limit. Elsewhere than Linux it reads 0.
 */
export interface CpuSample {
  /** Milliseconds of CPU (user + system) of the target and its descendants. */
  readonly targetMs: number;
  /** Milliseconds of CPU of all processes named postgres. */
  readonly databaseMs: number;
}

const ticksPerSecond = 100; // USER_HZ: 100 on every Linux architecture Node runs on

interface ProcStat {
  readonly pid: number;
  readonly parent: number;
  readonly name: string;
  readonly cpuMs: number;
}

function readProcesses(): ProcStat[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  const stats: ProcStat[] = [];
  for (const pid of pids) {
    try {
      const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The name is in parentheses and may hold spaces; the fields after it are space-separated.
      const close = text.lastIndexOf(')');
      const name = text.slice(text.indexOf('(') + 1, close);
      const fields = text.slice(close + 2).split(' ');
      // utime, stime, and cutime, cstime: the children it has reaped (a PostgreSQL backend that
      // ended, a script host that was replaced) still count, in their parent.
      const cpuTicks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      stats.push({ pid: Number(pid), parent: Number(fields[1]), name, cpuMs: (cpuTicks * 1000) / ticksPerSecond });
    } catch {
      // The process ended while the list was read.
    }
  }
  return stats;
}

/** The CPU used so far by `targetPid` and its descendants, and by PostgreSQL. */
export function sampleCpu(targetPid: number): CpuSample {
  const processes = readProcesses();
  const tree = new Set([targetPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const process of processes) {
      if (!tree.has(process.pid) && tree.has(process.parent)) {
        tree.add(process.pid);
        grew = true;
      }
    }
  }
  let targetMs = 0;
  let databaseMs = 0;
  for (const process of processes) {
    if (tree.has(process.pid)) targetMs += process.cpuMs;
    else if (process.name === 'postgres') databaseMs += process.cpuMs;
  }
  return { targetMs, databaseMs };
}
