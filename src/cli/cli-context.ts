import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { toJson } from '@bufbuild/protobuf';
import type { Command } from 'commander';
import type { RemoteOptions } from './management-client.js';
import type { Output } from './output.js';

/** What every remote command reads from the global options. */
export interface CliContext extends RemoteOptions {
  readonly json: boolean;
  readonly output: Output;
}

/** The global options (`--url`, `--token`, `--json`) as seen from a subcommand. */
export function cliContext(command: Command, output: Output): CliContext {
  const options = command.optsWithGlobals<{ url: string; token?: string; json?: boolean }>();
  return { url: options.url, token: options.token, json: options.json ?? false, output };
}

/** Prints a response for scripts: protobuf JSON (int64 as strings, timestamps in RFC 3339). */
export function printJson<S extends DescMessage>(context: CliContext, schema: S, message: MessageShape<S>): void {
  context.output.out(JSON.stringify(toJson(schema, message, { alwaysEmitImplicit: true }), null, 2));
}
