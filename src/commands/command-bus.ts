import { create, type DescMessage, type Message, type MessageShape } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { AppError, invalidArgument } from '../errors.js';
import type { Actor, CommandCatalog, CommandContext, CommandDefinition } from './command.js';

/** Who is calling and which request this belongs to: all a transport passes to the bus. */
export interface Invocation {
  readonly actor: Actor;
  readonly requestId: string;
  /** The caller's cancellation, handed to the handler as `ctx.signal`. */
  readonly signal?: AbortSignal;
}

export interface CommandOutcome {
  readonly message: string;
  readonly output: Message;
}

export interface CommandCall {
  readonly command: CommandDefinition;
  readonly input: Message;
  readonly ctx: CommandContext;
}

export type CommandHandler = (call: CommandCall) => Promise<CommandOutcome>;

/** A cross-cutting step around every command, the same shape as a Connect interceptor. */
export type CommandInterceptor = (next: CommandHandler) => CommandHandler;

export interface CommandBus extends CommandCatalog {
  /** Runs a command by name; the input must be a message of the command's input type. */
  execute(name: string, input: Message, invocation: Invocation): Promise<CommandOutcome>;
}

export interface CommandBusOptions {
  readonly commands: readonly CommandDefinition[];
  /** Outermost first. */
  readonly interceptors: readonly CommandInterceptor[];
  readonly db: Knex;
  readonly clock: () => Date;
  readonly log: Logger;
}

export function createCommandBus(options: CommandBusOptions): CommandBus {
  const byName = new Map<string, CommandDefinition>();
  for (const command of options.commands) {
    if (byName.has(command.name)) throw new Error(`Command ${command.name} is registered twice`);
    byName.set(command.name, command);
  }

  const run: CommandHandler = async ({ command, input, ctx }) => {
    const init = await command.handle(input as MessageShape<DescMessage>, ctx);
    return { message: command.successMessage, output: create(command.output, init) };
  };
  const handler = options.interceptors.reduceRight<CommandHandler>((next, intercept) => intercept(next), run);

  const bus: CommandBus = {
    find: (name) => byName.get(name),
    list: () => [...byName.values()],
    async execute(name, input, invocation) {
      const command = byName.get(name);
      if (!command) throw invalidArgument('Unknown command', [`No command is registered as "${name}"`]);
      if (invocation.signal?.aborted) throw new AppError('execution_failed', 'Command cancelled', ['Execution was cancelled']);
      const ctx: CommandContext = {
        ...invocation,
        db: options.db,
        clock: options.clock,
        log: options.log.child({ requestId: invocation.requestId, command: name }),
        commands: bus,
      };
      return handler({ command, input, ctx });
    },
  };
  return bus;
}
