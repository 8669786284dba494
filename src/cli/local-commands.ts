import { spawn } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';

/**
 * `serve`, `migrate` and `token` run the very entry points `npm start`, `npm run migrate` and
 * `npm run token` run, in a child process: the server needs `--no-node-snapshot` (isolated-vm), and
 * the other two stay the single place their behaviour lives. The child's exit status is the CLI's.
 */
export function localCommands(): Command[] {
  return [
    passThrough('serve', 'start the service (configured by environment variables, see README)', '../main', [
      '--no-node-snapshot',
    ]),
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
