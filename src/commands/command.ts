import type { DescMessage, JsonValue, MessageInitShape, MessageShape } from '@bufbuild/protobuf';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Permission } from '../domain/permissions.js';

/**
 * Who runs a command: an operator holding permissions, or a webhook execution running with its
 * configuration's authority (the permissions of the token that last saved it).
 */
export type Actor =
  | { readonly kind: 'operator'; readonly subject: string; readonly permissions: ReadonlySet<Permission> }
  | { readonly kind: 'webhook'; readonly subject: string; readonly permissions: ReadonlySet<string> };

/** What every handler may use; transports never pass anything else down. */
export interface CommandContext {
  readonly actor: Actor;
  readonly requestId: string;
  readonly db: Knex;
  readonly clock: () => Date;
  readonly log: Logger;
  /** The registry itself, for handlers that validate or run other commands. */
  readonly commands: CommandCatalog;
  /**
   * Aborts when the caller gives up, e.g. a webhook attempt past its deadline that may be retried:
   * a handler with outside effects (an HTTP call) passes it on, so nothing happens after that.
   */
  readonly signal?: AbortSignal;
}

/** Read access to the registered commands. */
export interface CommandCatalog {
  find(name: string): CommandDefinition | undefined;
  list(): readonly CommandDefinition[];
}

/**
 * A named operation: its request and response messages, the permission it needs and its success
 * message. The gRPC services, the JSON gateway and scripts all run commands through the one bus.
 */
export interface CommandDefinition<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  /** The `$type`: for management commands, exactly the request message's name. */
  readonly name: string;
  readonly input: I;
  readonly output: O;
  readonly permission: Permission;
  readonly successMessage: string;
  /** Whether a webhook (native command, chain, script or process) may run it. Never true for management commands. */
  readonly runnableFromWebhook: boolean;
  /** For `:write` commands that change one entity: lets the audit log record it before and after. */
  readonly audit?: AuditTarget<I, O>;
  /** One line for GetCommandListQuery. */
  readonly description?: string;
  /** Problems with a chain step's static `parameters`, reported when a config is saved (one sentence each). */
  parameterProblems?(parameters: Readonly<Record<string, unknown>>): string[];
  handle(input: MessageShape<I>, ctx: CommandContext): Promise<MessageInitShape<O>>;
  /** The JSON envelope's `data` for an output; by default the output's `data` field, or the whole output. */
  toEnvelopeData?(output: MessageShape<O>, input: MessageShape<I>, toJson: MessageToJson): JsonValue;
}

/**
 * The entity a write command changes, as the audit log sees it. A command that declares one runs in
 * one transaction with its audit entry, so its handler must do all its work through `ctx.db`.
 */
export interface AuditTarget<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  /** e.g. "webhook_config". */
  readonly entityType: string;
  /** The entity's id from the input, or (for a create, whose input names none) from the output. */
  entityId(input: MessageShape<I>, output: MessageShape<O> | undefined): bigint | string | undefined;
  /** The entity's current state as JSON, secrets masked; undefined when it does not exist. */
  load(db: Knex, id: string): Promise<JsonValue | undefined>;
}

/** Protobuf JSON as the gateway writes it (see message-json.ts). */
export type MessageToJson = <D extends DescMessage>(schema: D, message: MessageShape<D>) => JsonValue;

/** Declares a command with its input and output types tied together. */
export function defineCommand<I extends DescMessage, O extends DescMessage>(
  definition: CommandDefinition<I, O>,
): CommandDefinition {
  return definition as unknown as CommandDefinition;
}
