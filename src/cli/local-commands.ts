import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

/**
 * `serve`, `executors`, `migrate` and `token` run their entry points (`npm start`'s, the executor
 * process's, `npm run migrate`'s and `npm run token`'s) in a child process: the servers need
 * `--no-node-snapshot` (isolated-vm), and each entry point stays the single place its behaviour lives. The child's exit status is the CLI's.
 */
export function localCommands(): Command[] {
  return [
    passThrough('serve', 'start the service (configured by environment variables, see README)', '../main', [
      '--no-node-snapshot',
    ]),
    passThrough(
      'executors',
      'run the executors as a process of their own, for services started with EXECUTOR_URL (see README)',
      '../executor-main',
      ['--no-node-snapshot'],
    ),
    passThrough('migrate', 'apply pending migrations to the configured database', './migrate'),
    passThrough('token', 'print a bearer token signed with the service key (--scope "...", --ttl, --sub)', './token'),
  ];
}

function passThrough(name: string, description: string, module: string, nodeFlags: readonly string[] = []): Command {
  return new Command(name)
    .description(description)
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      process.exitCode = await runNode([...nodeFlags, sibling(module)], args);
    });
}

/** This file's sibling, as `.ts` under tsx and `.js` once compiled. */
function sibling(module: string): string {
  return fileURLToPath(new URL(`${module}${extname(import.meta.url)}`, import.meta.url));
}

function runNode(nodeArgs: readonly string[], args: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // execArgv carries tsx's loader when the CLI itself runs from source.
    const child = spawn(process.execPath, [...process.execArgv, ...nodeArgs, ...args], { stdio: 'inherit' });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGTERM', forward).on('SIGINT', forward);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      process.off('SIGTERM', forward).off('SIGINT', forward);
      resolve(code ?? (signal ? 128 + 15 : 1));
    });
  });
}
