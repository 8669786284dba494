#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { configsCommand } from './configs-command.js';
import { eventsCommand } from './events-command.js';
import { describeError, exitCodeOf, exitCodes } from './exit-codes.js';
import { localCommands } from './local-commands.js';
import { processOutput } from './output.js';
import { processesCommand } from './processes-command.js';

/** `bpm-webhooks <command>`: the operator CLI (package.json `bin`); see README, "CLI", for commands and exit codes. */
const program = new Command('bpm-webhooks')
  .description(
    'Operate a bpm-webhooks service: run it, migrate its store, mint tokens, manage configurations, events and processes.',
  )
  .addOption(new Option('--url <url>', 'base URL of a running server').env('BPM_WEBHOOKS_URL').default('http://127.0.0.1:8080'))
  .addOption(new Option('--token <jwt>', 'bearer token for the management API').env('BPM_WEBHOOKS_TOKEN'))
  .option('--json', 'print protobuf JSON for scripts instead of tables')
  .exitOverride()
  .showHelpAfterError();
for (const command of [
  ...localCommands(),
  configsCommand(processOutput),
  eventsCommand(processOutput),
  processesCommand(processOutput),
])
  program.addCommand(command);
// Every level throws instead of exiting, so a usage mistake anywhere exits with exitCodes.usage.
const throwOnErrors = (command: Command): void => void command.exitOverride().commands.forEach(throwOnErrors);
throwOnErrors(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
  } else {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
