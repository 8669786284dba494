import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FromHost, HostFailure, HostLimits, ToHost } from './host/host-protocol.js';
import { monotonicMs } from './host/monotonic-clock.js';

/** How a run in a host ended: the sandbox's JSON reply, or why there is none. */
export type HostRunResult = { readonly reply: string } | { readonly failure: HostFailure | 'crashed'; readonly message: string };

/** What one run sends to a host. */
export interface HostRunInput {
  /** Compiled once per key in each isolate (the code is compared too). */
  readonly cacheKey: string;
  readonly code: string;
  /** `{"context": ...}` as JSON. */
  readonly input: string;
  /** Counted from the moment the run is sent, time queued in the host included. */
  readonly timeoutMs: number;
  /** Run from inside another script's doCmd: takes a temporary isolate rather than waiting. */
  readonly nested: boolean;
}

/** How a host process ended. */
export interface HostExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** A V8 abort (SIGABRT, exit 134): what an isolate that outgrew its heap does to its process. */
  readonly memory: boolean;
  readonly runsLost: number;
}

/** One supervised script host process and its channel. */
export interface ScriptHost {
  readonly pid: number | undefined;
  /** Runs sent and not yet answered. */
  readonly load: number;
  readonly ready: boolean;
  run(
    input: HostRunInput,
    onCommand: (name: string, json: string) => Promise<string>,
  ): { id: number; result: Promise<HostRunResult> };
  /**
   * Stops a run: its isolate is thrown away, or, for a run the host executes synchronously, its own
   * timeout ends it. A host that has not answered `killAfterMs` after the cancel, and after the run's
   * deadline, is killed.
   */
  cancel(id: number): void;
  kill(): void;
}

/** How long a host may take to give up a cancelled run before it is killed. */
const killAfterMs = 2_000;

/**
 * The host entry next to this file: the TypeScript source under vitest/tsx (loaded through tsx), the
 * compiled JavaScript under `npm start`.
 */
function hostEntry(): { path: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const source = here.endsWith('.ts');
  return {
    path: join(dirname(here), 'host', `script-host-main.${source ? 'ts' : 'js'}`),
    execArgv: ['--no-node-snapshot', ...(source ? ['--import', 'tsx'] : [])],
  };
}

/** What a host tells its supervisor: ready once its isolates are warm; `onExit` once, after every run it held was answered. */
export interface ScriptHostListener {
  onReady(): void;
  onExit(exit: HostExit): void;
}

/** Forks a script host. */
export function startScriptHost(limits: HostLimits, listener: ScriptHostListener): ScriptHost {
  const entry = hostEntry();
  const child: ChildProcess = fork(entry.path, [JSON.stringify(limits)], {
    execArgv: entry.execArgv,
    // Every payload is a JSON string already: Node's JSON framing is cheaper than its structured clone.
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  type Pending = {
    resolve(result: HostRunResult): void;
    onCommand(name: string, json: string): Promise<string>;
    /** On the monotonic clock: the host answers every run by then, however the run ends. */
    readonly deadline: number;
    killTimer?: NodeJS.Timeout;
  };
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let ready = false;
  let exited = false;

  // Messages of one turn (runs started together, cancels, command replies) go out as one batch.
  let outbox: ToHost[] = [];
  const flush = () => {
    const batch = outbox;
    outbox = [];
    if (!exited && child.connected) child.send(batch);
  };
  const send = (message: ToHost) => {
    if (outbox.push(message) === 1) queueMicrotask(flush);
  };
  const settle = (id: number, result: HostRunResult) => {
    const run = pending.get(id);
    if (!run) return;
    pending.delete(id);
    clearTimeout(run.killTimer);
    run.resolve(result);
  };

  child.on('message', (raw) => {
    const message = raw as FromHost;
    switch (message.t) {
      case 'ready':
        ready = true;
        listener.onReady();
        return;
      case 'cmd': {
        const run = pending.get(message.id);
        if (!run) return;
        void run.onCommand(message.name, message.json).then((json) => send({ t: 'cmd-reply', id: message.id, json }));
        return;
      }
      case 'done':
        settle(message.id, { reply: message.reply });
        return;
      case 'failed':
        settle(message.id, { failure: message.failure, message: message.message });
        return;
      default:
        message satisfies never;
    }
  });
  // 'error' (e.g. a failed fork) is followed by 'exit' or by nothing: both end the host here.
  const end = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    ready = false;
    const memory = signal === 'SIGABRT' || code === 134;
    const runsLost = pending.size;
    for (const id of [...pending.keys()]) {
      settle(id, { failure: memory ? 'memory' : 'crashed', message: `script host exited (${signal ?? code})` });
    }
    listener.onExit({ code, signal, memory, runsLost });
  };
  child.on('exit', end);
  child.on('error', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    end(child.exitCode, child.signalCode);
  });

  return {
    get pid() {
      return child.pid;
    },
    get load() {
      return pending.size;
    },
    get ready() {
      return ready;
    },
    run(input, onCommand) {
      const id = nextId;
      nextId += 1;
      const sentAt = monotonicMs();
      const result = new Promise<HostRunResult>((resolve) => {
        if (exited) resolve({ failure: 'crashed', message: 'script host is gone' });
        else pending.set(id, { resolve, onCommand, deadline: sentAt + input.timeoutMs });
      });
      send({ t: 'run', id, ...input, sentAt });
      return { id, result };
    },
    cancel(id) {
      const run = pending.get(id);
      if (!run || run.killTimer) return;
      send({ t: 'cancel', id });
      const delayMs = Math.max(0, run.deadline - monotonicMs()) + killAfterMs;
      run.killTimer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      run.killTimer.unref();
    },
    kill() {
      ready = false;
      if (!exited) child.kill('SIGKILL');
    },
  };
}
