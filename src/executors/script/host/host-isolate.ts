import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ivm from 'isolated-vm';
import { sandboxRunnerSource } from './sandbox-runner-source.js';

/** A locked-down isolate and the references to its runner and compile check (see sandbox-runner-source.ts). */
export interface HostIsolate {
  readonly isolate: ivm.Isolate;
  readonly context: ivm.Context;
  readonly runner: ivm.Reference<(...args: unknown[]) => string>;
  readonly check: ivm.Reference<(code: string) => void>;
}

let sesSource: string | undefined;

/** The SES shim, read once per host from the installed `ses` package. */
function loadSes(): string {
  if (sesSource === undefined) {
    const packageJson = createRequire(import.meta.url).resolve('ses/package.json');
    sesSource = readFileSync(join(dirname(packageJson), 'dist', 'ses.umd.min.js'), 'utf8');
  }
  return sesSource;
}

/**
 * A new isolate with SES loaded and `lockdown()` done (about 50-100 ms): every intrinsic is frozen
 * before any script runs. Errors keep their stacks for the script's own messages; nothing else is relaxed.
 */
export function createHostIsolate(memoryMb: number): HostIsolate {
  const isolate = new ivm.Isolate({ memoryLimit: memoryMb });
  const context = isolate.createContextSync();
  context.evalSync(loadSes(), { filename: 'ses.umd.min.js' });
  context.evalSync(`lockdown({ errorTaming: 'unsafe', consoleTaming: 'unsafe', stackFiltering: 'verbose', overrideTaming: 'moderate' });
    delete globalThis.WebAssembly; delete globalThis.Atomics; delete globalThis.SharedArrayBuffer;`);
  const functions = context.evalSync(sandboxRunnerSource, { reference: true }) as ivm.Reference<Record<'run' | 'check', unknown>>;
  const runner = functions.getSync('run', { reference: true }) as HostIsolate['runner'];
  const check = functions.getSync('check', { reference: true }) as HostIsolate['check'];
  functions.release();
  return { isolate, context, runner, check };
}
