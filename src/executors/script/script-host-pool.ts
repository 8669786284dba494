import type { HostLimits } from './host/host-protocol.js';
import { startScriptHost, type HostExit, type ScriptHost } from './script-host.js';

/** What the pool reports as it supervises its hosts: for logs and metrics. */
export type ScriptHostEvent =
  | { readonly type: 'started'; readonly slot: number; readonly pid: number | undefined }
  | ({ readonly type: 'exited'; readonly slot: number; readonly pid: number | undefined } & HostExit)
  | { readonly type: 'backoff'; readonly slot: number; readonly delayMs: number; readonly deathsInARow: number };

/** Counters an operator can read (and the metrics module export). */
export interface ScriptHostStats {
  readonly hosts: number;
  readonly live: number;
  /** Process ids of the live hosts (for RSS and for operators). */
  readonly pids: readonly number[];
  readonly starts: number;
  readonly crashes: number;
  readonly memoryAborts: number;
  readonly backoffs: number;
}

export interface ScriptHostPool {
  /** The least-loaded ready host; waits while every host is starting. Rejects when `signal` aborts. */
  pick(signal?: AbortSignal): Promise<ScriptHost>;
  stats(): ScriptHostStats;
  dispose(): void;
}

export interface ScriptHostPoolOptions {
  readonly hosts: number;
  readonly limits: HostLimits;
  readonly onHostEvent?: (event: ScriptHostEvent) => void;
  /** A host that lived this long before dying is not counted as dying in a row. */
  readonly stableAfterMs?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
}

/**
 * Keeps `hosts` script host processes running. A host that dies is replaced at once; one that keeps
 * dying soon after its start (the same configuration crashing it again) is restarted after a delay
 * that doubles each time, up to `backoffMaxMs`.
 */
export function createScriptHostPool(options: ScriptHostPoolOptions): ScriptHostPool {
  const stableAfterMs = options.stableAfterMs ?? 30_000;
  const backoffBaseMs = options.backoffBaseMs ?? 250;
  const backoffMaxMs = options.backoffMaxMs ?? 30_000;
  const emit = options.onHostEvent ?? (() => {});
  type Slot = { host: ScriptHost | undefined; startedAt: number; deathsInARow: number; timer?: NodeJS.Timeout };
  const slots: Slot[] = [];
  const waiting = new Set<() => void>();
  const counters = { starts: 0, crashes: 0, memoryAborts: 0, backoffs: 0 };
  let disposed = false;

  const start = (index: number) => {
    const slot = slots[index];
    if (!slot || disposed) return;
    delete slot.timer;
    slot.startedAt = performance.now();
    counters.starts += 1;
    const host = startScriptHost(options.limits, {
      onReady: () => {
        emit({ type: 'started', slot: index, pid: host.pid });
        for (const wake of [...waiting]) wake();
      },
      onExit: (exit) => onExit(index, host, exit),
    });
    slot.host = host;
  };

  const onExit = (index: number, host: ScriptHost, exit: HostExit) => {
    const slot = slots[index];
    if (!slot || slot.host !== host) return;
    slot.host = undefined;
    if (disposed) return;
    counters.crashes += 1;
    if (exit.memory) counters.memoryAborts += 1;
    emit({ type: 'exited', slot: index, pid: host.pid, ...exit });
    slot.deathsInARow = performance.now() - slot.startedAt < stableAfterMs ? slot.deathsInARow + 1 : 1;
    if (slot.deathsInARow <= 1) return start(index);
    const delayMs = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (slot.deathsInARow - 2));
    counters.backoffs += 1;
    emit({ type: 'backoff', slot: index, delayMs, deathsInARow: slot.deathsInARow });
    slot.timer = setTimeout(() => start(index), delayMs);
    slot.timer.unref();
  };

  const best = (): ScriptHost | undefined => {
    let chosen: ScriptHost | undefined;
    for (const { host } of slots) {
      if (host?.ready && (!chosen || host.load < chosen.load)) chosen = host;
    }
    return chosen;
  };

  for (let i = 0; i < options.hosts; i += 1) {
    slots.push({ host: undefined, startedAt: 0, deathsInARow: 0 });
    start(i);
  }

  return {
    async pick(signal) {
      for (;;) {
        if (disposed) throw new Error('The script sandbox has been disposed');
        signal?.throwIfAborted();
        const host = best();
        if (host) return host;
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            signal?.removeEventListener('abort', wake);
            resolve();
          };
          waiting.add(wake);
          signal?.addEventListener('abort', wake, { once: true });
        });
      }
    },
    stats() {
      const live = slots.flatMap(({ host }) => (host?.ready && host.pid !== undefined ? [host.pid] : []));
      return { hosts: slots.length, live: live.length, pids: live, ...counters };
    },
    dispose() {
      disposed = true;
      for (const slot of slots) {
        clearTimeout(slot.timer);
        slot.host?.kill();
        slot.host = undefined;
      }
      for (const wake of [...waiting]) wake();
    },
  };
}
