import { fork, type ChildProcess } from 'node:child_process';

/** What a target tells the bench over IPC once it listens. */
export interface TargetReady {
  readonly kind: 'ready';
  readonly port: number;
}

/** A server under test in a process of its own, so the load generator never shares its event loop. */
export interface TargetProcess {
  readonly pid: number;
  readonly port: number;
  readonly url: string;
  /** Asks the target something over IPC (`rss`, `drain`, ...) and waits for its answer. */
  ask<T>(request: { kind: string; [key: string]: unknown }): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts `bench/targets/<name>.ts` with the given environment and waits until it listens; `checkout`:
 * the one of another checkout of the repository (a baseline measured in the same run).
 */
export async function startTarget(name: string, env: Record<string, string>, checkout?: string): Promise<TargetProcess> {
  const script = checkout ? `${checkout}/bench/targets/${name}.ts` : new URL(`../targets/${name}.ts`, import.meta.url);
  const child = fork(script, {
    // BENCH_CPU_PROF=<folder>: every target writes a .cpuprofile there when it exits (open it in DevTools).
    execArgv: [
      '--no-node-snapshot',
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<TargetReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as TargetReady));
    child.once('exit', (code) => reject(new Error(`target ${name} exited with ${code} before it listened`)));
  });
  let asked = 0;
  return {
    pid: child.pid!,
    port: ready.port,
    url: `http://127.0.0.1:${ready.port}`,
    ask: (request) => askChild(child, { ...request, id: ++asked }),
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function askChild<T>(child: ChildProcess, request: { id: number; kind: string }): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the target exited with ${code} before answering ${request.kind}`));
    const onMessage = (message: { id?: number; answer?: T }) => {
      if (message.id !== request.id) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message.answer as T);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(request);
  });
}

/** The target side: announces its port and answers the bench's questions. */
export function serveBench(port: number, answer: (request: { kind: string; [key: string]: unknown }) => Promise<unknown>): void {
  process.on('message', (request: { id: number; kind: string }) => {
    void answer(request).then((value) => process.send!({ id: request.id, answer: value }));
  });
  process.send!({ kind: 'ready', port } satisfies TargetReady);
}

/** Resident memory in MiB, as every target reports it. */
export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / 1024 / 1024);
}
