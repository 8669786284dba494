import ivm from 'isolated-vm';
import type { HostIsolate } from './host-isolate.js';
import type { FromHost, HostFailure, HostLimits, RunMessage, ToHost } from './host-protocol.js';
import { createIsolatePool } from './isolate-pool.js';
import { monotonicMs } from './monotonic-clock.js';
import { scriptCanCallDoCmd } from './script-can-call-do-cmd.js';

/** isolated-vm's message when a run's timeout stops it; also the answer to a run whose time ran out while it was queued. */
const timedOut = 'Script execution timed out.';

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
 *
 * A script that cannot call doCmd runs synchronously on the host's main thread (`applySync`): no
 * hop to isolated-vm's thread and back, and nothing to wait for. While it runs the host reads no
 * message, so a `cancel` for it arrives after it ended and changes nothing (it has no effect outside
 * its reply, which the service then ignores); its timeout still stops it. A script that can call
 * doCmd runs on isolated-vm's thread (`apply`), so the main thread stays free to carry its commands.
 */
export function createHostRuntime(limits: HostLimits, send: (message: FromHost) => void) {
  const pool = createIsolatePool({ size: limits.isolates, memoryMb: limits.memoryMb });
  const runs = new Map<number, ActiveRun>();

  async function run(message: RunMessage): Promise<void> {
    const active: ActiveRun = { controller: new AbortController(), cancelled: false };
    runs.set(message.id, active);
    const fail = (failure: HostFailure, text: string) => send({ t: 'failed', id: message.id, failure, message: text });
    let lease: HostIsolate;
    try {
      lease = await pool.acquire({ overflow: message.nested, signal: active.controller.signal });
    } catch (error) {
      runs.delete(message.id);
      return fail('cancelled', (error as Error).message);
    }
    // A run that waited (in the channel, behind another run) keeps only what is left of its time, so it
    // ends within its timeout of being sent, as the service expects, however long it waited.
    const waitedMs = Math.max(0, monotonicMs() - message.sentAt);
    const timeout = Math.ceil(message.timeoutMs - waitedMs);
    if (timeout <= 0) {
      runs.delete(message.id);
      pool.release(lease, false);
      return fail('timeout', timedOut);
    }
    active.lease = lease;
    const hostCmd = scriptCanCallDoCmd(message.code) ? commandReference(message.id, active) : undefined;
    const args = [
      message.cacheKey,
      message.code,
      message.input,
      hostCmd,
      limits.maxLogLines,
      limits.maxLogLineChars,
      limits.maxResultBytes,
    ];
    let broken = false;
    try {
      const reply = hostCmd
        ? await lease.runner.apply(undefined, args, { timeout })
        : lease.runner.applySync(undefined, args, { timeout });
      send({ t: 'done', id: message.id, reply: String(reply) });
    } catch (error) {
      broken = true;
      const text = (error as Error).message;
      if (active.cancelled) fail('cancelled', text);
      else if (text === timedOut) fail('timeout', text);
      else if (lease.isolate.isDisposed) fail('memory', text);
      else fail('error', text);
    } finally {
      runs.delete(message.id);
      hostCmd?.release();
      // A timed-out or cancelled isolate is replaced: nothing of that run may linger.
      pool.release(lease, broken || lease.isolate.isDisposed);
    }
  }

  /** The host side of one run's doCmd: a `cmd` message, answered by the service's `cmd-reply`. */
  function commandReference(id: number, active: ActiveRun) {
    return new ivm.Reference(
      (name: unknown, json: unknown) =>
        new Promise<string>((resolve) => {
          active.command = resolve;
          send({ t: 'cmd', id, name: String(name), json: String(json) });
        }),
    );
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
