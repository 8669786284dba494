import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { RotateWebHookSecretResponseSchema, WebHookConfigService } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { cliContext, printJson } from './cli-context.js';
import { UsageError } from './exit-codes.js';
import { createManagementClient } from './management-client.js';
import { formatTimestamp, parseId } from './parse-arguments.js';
import type { Output } from './output.js';

/**
 * `configs rotate-secret <id>`: a new verification secret, the old ones valid until `--expires-in`.
 * A given secret is read from a file (or stdin), never from the command line, where `ps` and the
 * shell's history would keep it.
 */
export function rotateSecretCommand(output: Output): Command {
  return new Command('rotate-secret')
    .argument('<id>')
    .description(
      'add a new verification secret (generated and printed once, or read from --secret-file); the old ones stay valid until --expires-in',
    )
    .option('--expires-in <seconds>', 'how long the old secrets stay valid (default 86400; 0 drops them now)')
    .option('--secret-file <path>', 'the new secret, as the sender issued it ("-" reads stdin)')
    .action(async (id: string, options: { expiresIn?: string; secretFile?: string }, command: Command) => {
      const context = cliContext(command, output);
      const api = createManagementClient(WebHookConfigService, context);
      const response = await api.rotateWebHookSecret({
        id: parseId(id),
        ...(options.expiresIn !== undefined && { expiresInSeconds: parseSeconds(options.expiresIn) }),
        ...(options.secretFile !== undefined && { secret: await readSecret(options.secretFile) }),
      });
      if (context.json) return printJson(context, RotateWebHookSecretResponseSchema, response);
      const rotated = response.data;
      const until = rotated?.oldSecretsExpireAt
        ? `old secrets valid until ${formatTimestamp(rotated.oldSecretsExpireAt)}`
        : 'old secrets dropped';
      output.out(`${response.message}: id ${id}, ${until}`);
      if (rotated?.secret !== undefined) output.out(`new secret (shown once): ${rotated.secret}`);
    });
}

function parseSeconds(value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new UsageError('--expires-in must be a whole number of seconds');
  return Number(value);
}

/** The file's text without its final line break (editors add one). */
async function readSecret(path: string): Promise<string> {
  try {
    const text = path === '-' ? await readStdin() : await readFile(path, 'utf8');
    return text.replace(/\r?\n$/, '');
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
