import type { CommandPort } from '../executors/command-port.js';
import type { CommandBus } from './command-bus.js';
import { runWebhookCommand } from './run-webhook-command.js';

/** The executors' way to the commands: runs them on the bus with a webhook's authority. */
export function createWebhookCommandPort(bus: CommandBus): CommandPort {
  return {
    run: (name, input, caller) => runWebhookCommand(bus, name, input, caller),
    takesApiRequest: (name) => bus.find(name)?.input.typeName === `bpm.webhooks.v1.${name}`,
  };
}
