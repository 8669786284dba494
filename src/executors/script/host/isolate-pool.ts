import { createHostIsolate, type HostIsolate } from './host-isolate.js';

export interface IsolatePool {
  /**
   * A free isolate; waits when all are busy. `overflow` creates a temporary one instead of waiting
   * (nested runs). When `signal` aborts, the wait ends with its reason, so a cancelled script never
   * takes an isolate and runs later.
   */
  acquire(options: { overflow: boolean; signal?: AbortSignal }): Promise<HostIsolate>;
  /** Returns an isolate; a broken one (timed out, over its memory, cancelled) is disposed and replaced. */
  release(lease: HostIsolate, broken: boolean): void;
  /** Prepares the spare isolates nested runs take, one per call; false once there are enough. */
  warmSpare(): boolean;
  dispose(): void;
}

/** Temporary isolates for nested runs kept for the next ones: a lockdown costs 50-100 ms. */
const spareOverflow = 2;

/** A fixed number of warm, locked-down isolates in a script host, each running one script at a time. */
export function createIsolatePool(options: { size: number; memoryMb: number }): IsolatePool {
  const idle: HostIsolate[] = [];
  const overflowIdle: HostIsolate[] = [];
  const waiting: { resolve: (lease: HostIsolate) => void; reject: (error: Error) => void }[] = [];
  const pooled = new Set<HostIsolate>();
  let disposed = false;
  const spawn = () => createHostIsolate(options.memoryMb);

  for (let i = 0; i < options.size; i += 1) {
    const lease = spawn();
    pooled.add(lease);
    idle.push(lease);
  }

  const hand = (lease: HostIsolate) => {
    const next = waiting.shift();
    if (next) next.resolve(lease);
    else idle.push(lease);
  };

  return {
    async acquire({ overflow, signal }) {
      if (disposed) throw new Error('The script sandbox has been disposed');
      signal?.throwIfAborted();
      const free = idle.pop();
      if (free) return free;
      if (overflow) return overflowIdle.pop() ?? spawn();
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve: (lease: HostIsolate) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(lease);
          },
          reject: (error: Error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(waiter);
          if (index >= 0) waiting.splice(index, 1);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.push(waiter);
      });
    },
    release(lease, broken) {
      const isPooled = pooled.has(lease);
      if (!isPooled && !broken && !disposed && overflowIdle.length < spareOverflow) {
        overflowIdle.push(lease);
        return;
      }
      if (!isPooled || broken || disposed) {
        if (!lease.isolate.isDisposed) lease.isolate.dispose();
        pooled.delete(lease);
      }
      if (disposed) return;
      if (isPooled && !broken) hand(lease);
      else if (isPooled) {
        const fresh = spawn();
        pooled.add(fresh);
        hand(fresh);
      }
    },
    warmSpare() {
      if (disposed || overflowIdle.length >= spareOverflow) return false;
      overflowIdle.push(spawn());
      return true;
    },
    dispose() {
      disposed = true;
      for (const lease of [...pooled, ...overflowIdle]) if (!lease.isolate.isDisposed) lease.isolate.dispose();
      pooled.clear();
      overflowIdle.length = 0;
      idle.length = 0;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error('The script sandbox has been disposed'));
    },
  };
}
