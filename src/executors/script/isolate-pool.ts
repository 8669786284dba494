import ivm from 'isolated-vm';
import { bootstrapSource, wrapFunctionBody } from './sandbox-bootstrap.js';

/** A warm isolate with its compiled bootstrap and the user scripts it has compiled. */
export interface PooledIsolate {
  readonly isolate: ivm.Isolate;
  readonly bootstrap: ivm.Script;
  /** Compiles (or reuses) a script body by its cache key. */
  script(cacheKey: string, code: string): Promise<ivm.Script>;
  /** A fresh context: the one prepared while the isolate was idle, or a new one. Each run gets its own. */
  context(): Promise<ivm.Context>;
}

export interface IsolatePool {
  /**
   * A free isolate; waits when all are busy. `overflow` creates a temporary one instead of waiting
   * (nested runs). When `signal` aborts, the wait ends with its reason, so a cancelled script never
   * takes an isolate and runs later.
   */
  acquire(options: { overflow: boolean; signal?: AbortSignal }): Promise<PooledIsolate>;
  /** Returns an isolate; a broken one (timed out, over its memory) is disposed and replaced. */
  release(lease: PooledIsolate, broken: boolean): void;
  dispose(): void;
}

const scriptsPerIsolate = 200;

/** A fixed number of warm isolates, each running one script at a time on its own thread. */
export function createIsolatePool(options: { size: number; memoryMb: number }): IsolatePool {
  type Warm = PooledIsolate & { prepare(): void };
  const idle: Warm[] = [];
  const waiting: { resolve: (lease: PooledIsolate) => void; reject: (error: Error) => void }[] = [];
  const pooled = new Set<Warm>();
  let disposed = false;

  const spawn = (): Warm => {
    const isolate = new ivm.Isolate({ memoryLimit: options.memoryMb });
    const bootstrap = isolate.compileScriptSync(bootstrapSource, { filename: 'sandbox-bootstrap' });
    const scripts = new Map<string, { code: string; script: ivm.Script }>();
    // Creating a context takes about a millisecond: the next one is made while the isolate waits for work.
    let spare: Promise<ivm.Context> | undefined = isolate.createContext();
    spare.catch(() => {});
    return {
      isolate,
      bootstrap,
      context() {
        const next = spare ?? isolate.createContext();
        spare = undefined;
        return next;
      },
      prepare() {
        if (spare || isolate.isDisposed) return;
        spare = isolate.createContext();
        spare.catch(() => {});
      },
      async script(cacheKey, code) {
        // The code is compared too: a key only names a version, and a restored database may reuse ids.
        const cached = scripts.get(cacheKey);
        scripts.delete(cacheKey);
        if (cached?.code === code) {
          scripts.set(cacheKey, cached);
          return cached.script;
        }
        cached?.script.release();
        const compiled = await isolate.compileScript(wrapFunctionBody(code), { filename: 'executionCode', lineOffset: -1 });
        if (scripts.size >= scriptsPerIsolate) {
          const oldest = scripts.keys().next().value as string;
          scripts.get(oldest)?.script.release();
          scripts.delete(oldest);
        }
        scripts.set(cacheKey, { code, script: compiled });
        return compiled;
      },
    };
  };

  for (let i = 0; i < options.size; i += 1) {
    const lease = spawn();
    pooled.add(lease);
    idle.push(lease);
  }

  const hand = (lease: Warm) => {
    lease.prepare();
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
      if (overflow) return spawn();
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve: (lease: PooledIsolate) => {
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
    release(released, broken) {
      const lease = released as Warm;
      const isPooled = pooled.has(lease);
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
    dispose() {
      disposed = true;
      for (const lease of pooled) if (!lease.isolate.isDisposed) lease.isolate.dispose();
      pooled.clear();
      idle.length = 0;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error('The script sandbox has been disposed'));
    },
  };
}
