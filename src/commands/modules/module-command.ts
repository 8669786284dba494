import { fromJson, toJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { Logger } from 'pino';
import { AppError, invalidArgument, isAppError } from '../../errors.js';
import { defineCommand, type CommandDefinition } from '../command.js';

/** What a command handler from a module receives besides its input. */
export interface ModuleCommandContext {
  readonly requestId: string;
  /** Who runs it: `webhook:<key>` for webhook executions. */
  readonly caller: string;
  readonly log: Logger;
  now(): Date;
  /** Aborts when the execution is cut off (its timeout, or the attempt's lease): pass it to fetch and the like. */
  readonly signal?: AbortSignal;
}

/** An input schema: anything implementing Standard Schema (zod 4, valibot, arktype...). */
export interface StandardSchema {
  readonly '~standard': {
    validate(value: unknown): StandardResult | Promise<StandardResult>;
  };
}
type StandardResult =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: readonly { message: string; path?: readonly (PropertyKey | { key: PropertyKey })[] }[] };

/** A command as a COMMAND_MODULES module exports it (in its `commands` array). */
export interface ModuleCommand {
  readonly name: string;
  handler(input: unknown, context: ModuleCommandContext): unknown;
  readonly inputSchema?: StandardSchema;
  readonly description?: string;
  readonly successMessage?: string;
}

/**
 * Adapts a module's command onto the bus: JSON in and out (google.protobuf.Value), input checked
 * by its schema, runnable from webhooks. A thrown error's message becomes the command's error.
 */
export function adaptModuleCommand(command: ModuleCommand): CommandDefinition {
  return defineCommand({
    name: command.name,
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: command.successMessage ?? 'Command executed successfully',
    runnableFromWebhook: true,
    ...(command.description !== undefined && { description: command.description }),
    async handle(input, ctx) {
      const value = await validate(command.inputSchema, toJson(ValueSchema, input));
      let output: unknown;
      try {
        const context = { requestId: ctx.requestId, caller: ctx.actor.subject, log: ctx.log, now: ctx.clock, signal: ctx.signal };
        output = await command.handler(value, context);
      } catch (error) {
        if (isAppError(error)) throw error;
        throw new AppError('execution_failed', 'Command failed', [String((error as Error)?.message ?? error)], { cause: error });
      }
      return fromJson(ValueSchema, toJsonValue(output));
    },
  });
}

async function validate(schema: StandardSchema | undefined, value: JsonValue): Promise<unknown> {
  if (!schema) return value;
  const result = await schema['~standard'].validate(value);
  if (result.issues === undefined) return result.value;
  throw invalidArgument(
    'Validation failed',
    result.issues.map((issue) => {
      const path = (issue.path ?? []).map((part) => String(typeof part === 'object' ? part.key : part)).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    }),
  );
}

/** Dates become ISO strings and undefined becomes null, as JSON.stringify does. */
function toJsonValue(output: unknown): JsonValue {
  const text = JSON.stringify(output === undefined ? null : output);
  return JSON.parse(text ?? 'null') as JsonValue;
}
