import { describe, expect, it } from 'vitest';
import { BpmCommandSchema, BpmService } from '../../gen/bpm/webhooks/v1/bpm_service_pb.js';
import { builtInCommands, createConfiguredCommands } from '../../src/commands/catalog.js';
import { managementServices } from '../../src/transport/connect/connect-routes.js';

const catalog = [
  ...Object.values(builtInCommands),
  ...Object.values(
    createConfiguredCommands({
      forward: { allowedHosts: [], timeoutMs: 1_000 },
      replay: { defaultMaxAttempts: 1 },
      // Only the commands' names and messages are read here; none of them runs.
      processes: undefined as never,
      dryRun: undefined as never,
    }),
  ),
];

/**
 * Three lists name the management commands: the command catalog, the `BpmCommand` oneof (the JSON
 * gateway and BpmService.Execute) and the RPCs. A command missing from one is unreachable there.
 */
describe('the command lists', () => {
  // Management commands are the ones with a request message of the API; the webhook-only ones
  // (EchoCommand, ForwardWebhookCommand) take any JSON value. Some run from webhooks too (processes).
  const managementCommands = catalog
    .filter((command) => command.input.typeName === `bpm.webhooks.v1.${command.name}`)
    .map((command) => command.name)
    .sort();
  const oneofMembers = BpmCommandSchema.oneofs
    .find((oneof) => oneof.name === 'command')!
    .fields.map((field) => field.message!.name)
    .sort();
  const rpcInputs = managementServices
    .filter((service) => service !== BpmService)
    .flatMap((service) => service.methods.map((method) => method.input.name))
    .sort();

  it('agree: every management command is in the BpmCommand oneof and has its own RPC', () => {
    expect(oneofMembers).toEqual(managementCommands);
    expect(rpcInputs).toEqual(managementCommands);
  });

  it('name each catalog entry after its request message, and each RPC after its command', () => {
    for (const [key, command] of Object.entries(builtInCommands)) expect(command.name).toBe(key);
    for (const service of managementServices.filter((s) => s !== BpmService)) {
      for (const method of service.methods) expect(method.input.name.replace(/(Command|Query)$/, '')).toBe(method.name);
    }
  });

  it('describe every built-in command, so GetCommandListQuery has a sentence for each', () => {
    expect(catalog.filter((command) => !command.description?.trim()).map((command) => command.name)).toEqual([]);
  });
});
