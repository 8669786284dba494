import ivm from 'isolated-vm';
import type { HostIsolate } from './host-isolate.js';
import type { FromHost, HostLimits, ToHost } from './host-protocol.js';
import { createIsolatePool } from './isolate-pool.js';

interface ActiveRun {
  readonly controller: AbortController;
  lease?: HostIsolate;
  cancelled: boolean;
  /** The doCmd the isolate is blocked on, answered by the service. */
  command?: (json: string) => void;
}

/**
 * The script host's side of the channel: takes `run` messages, runs each in a pooled isolate and
 * sends one `done` (or `failed`) back; a `doCmd` becomes a `cmd` message the isolate waits on.
 */
export function createHostRuntime(limits: HostLimits, send: (message: FromHost) => void) {
  const pool = createIsolatePool({ size: limits.isolates, memoryMb: limits.memoryMb });
  const runs = new Map<number, ActiveRun>();

  async function run(message: Extract<ToHost, { t: 'run' }>): Promise<void> {
    const active: ActiveRun = { controller: new AbortController(), cancelled: false };
    runs.set(message.id, active);
    const fail = (failure: Extract<FromHost, { t: 'failed' }>['failure'], text: string) =>
      send({ t: 'failed', id: message.id, failure, message: text });
    let lease: HostIsolate;
    try {
      lease = await pool.acquire({ overflow: message.nested, signal: active.controller.signal });
    } catch (error) {
      runs.delete(message.id);
      return fail('cancelled', (error as Error).message);
    }
    active.lease = lease;
    const hostCmd = new ivm.Reference(
      (name: unknown, json: unknown) =>
        new Promise<string>((resolve) => {
          active.command = resolve;
          send({ t: 'cmd', id: message.id, name: String(name), json: String(json) });
        }),
    );
    let broken = false;
    try {
      const reply = await lease.runner.apply(
        undefined,
        [
          message.cacheKey,
          message.code,
          message.input,
          hostCmd,
          limits.maxLogLines,
          limits.maxLogLineChars,
          limits.maxResultBytes,
        ],
        { timeout: message.timeoutMs },
      );
      send({ t: 'done', id: message.id, reply: String(reply) });
    } catch (error) {
      broken = true;
      const text = (error as Error).message;
      if (active.cancelled) fail('cancelled', text);
      else if (text === 'Script execution timed out.') fail('timeout', text);
      else if (lease.isolate.isDisposed) fail('memory', text);
      else fail('error', text);
    } finally {
      runs.delete(message.id);
      hostCmd.release();
      // A timed-out or cancelled isolate is replaced: nothing of that run may linger.
      pool.release(lease, broken || lease.isolate.isDisposed);
    }
  }

  return {
    /** Locks down the spare isolates for nested runs between runs, once the host is ready. */
    warmSpares(): void {
      const next = () => {
        if (runs.size > 0) setTimeout(next, 50).unref();
        else if (pool.warmSpare()) setImmediate(next);
      };
      setImmediate(next);
    },
    receive(message: ToHost): void {
      switch (message.t) {
        case 'run':
          void run(message);
          return;
        case 'cmd-reply': {
          const active = runs.get(message.id);
          const answer = active?.command;
          if (active) delete active.command;
          answer?.(message.json);
          return;
        }
        case 'cancel': {
          const active = runs.get(message.id);
          if (!active) return;
          active.cancelled = true;
          active.controller.abort(new Error('Script was cancelled'));
          if (active.lease && !active.lease.isolate.isDisposed) active.lease.isolate.dispose();
          return;
        }
        default:
          message satisfies never;
      }
    },
    dispose: () => pool.dispose(),
  };
}
