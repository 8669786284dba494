import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildService {
  readonly baseUrl: string;
  readonly process: ChildProcess;
  /** Every JSON log line the service printed so far. */
  readonly logs: Record<string, unknown>[];
  /** Sends a signal and waits for the process to exit; resolves to its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * The real `src/main.ts` (or another entry point, e.g. `src/executor-main.ts`) in a child process
 * (through tsx, so no build is needed), on a free port. Resolves once it logs "listening".
 */
export async function startChildService(
  env: Record<string, string>,
  timeoutMs = 60_000,
  entry = 'src/main.ts',
): Promise<ChildService> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', entry], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A child that missed its deadline must not outlive the test (it would hold its port, folder and CPU).
      child.kill('SIGKILL');
      reject(new Error(`service did not start in ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    void exited.then((code) => reject(new Error(`service exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'listening') {
          clearTimeout(timer);
          resolve(entry.port as number);
        }
      } catch {
        // not a log line
      }
    });
  });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    logs,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
