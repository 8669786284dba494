import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildService {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Every log line the process wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * The real service (src/main.ts through tsx) in a child process, configured by environment only,
 * as an operator would run it. Resolves once it logs "listening".
 */
export async function startChildService(env: Record<string, string>, timeoutMs = 60_000): Promise<ChildService> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'src/main.ts'], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in time: ${stderr}`)), timeoutMs);
    child.once('exit', (code) => reject(new Error(`service exited with ${code}: ${stderr}`)));
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
    child,
    logs,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
