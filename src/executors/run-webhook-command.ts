import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { CommandBus } from '../commands/command-bus.js';
import { envelopeData } from '../commands/execute-bpm-command.js';
import { valueFromJson } from '../commands/value-json.js';
import { describeCause, toAppError } from '../errors.js';

export type WebhookCommandOutcome =
  | { readonly success: true; readonly message: string; readonly data: JsonValue }
  | {
      readonly success: false;
      readonly message: string;
      readonly errors: readonly string[];
      /** The command's target asked to be called again no sooner than this (see retry-after.ts). */
      readonly retryAfterMs?: number;
    };

/** Which webhook runs the command, for which request, and the execution's cancellation. */
export interface WebhookCaller {
  readonly key: string;
  readonly requestId: string;
  /** The configuration's authority: the permissions of the token that last saved it. */
  readonly permissions: readonly string[];
  /** The ExecutionService call's signal: aborted when the attempt is cut off, so the command stops too. */
  readonly signal?: AbortSignal;
}

/**
 * Runs a command on behalf of a webhook: with its configuration's authority (never an operator's),
 * so only commands marked runnable from a webhook, and needing a permission that authority holds,
 * pass the bus's authorisation.
 */
export async function runWebhookCommand(
  bus: CommandBus,
  name: string,
  input: JsonValue,
  caller: WebhookCaller,
): Promise<WebhookCommandOutcome> {
  try {
    const command = bus.find(name);
    if (!command) return { success: false, message: 'Unknown command', errors: [`Command "${name}" is not registered`] };
    // A Value takes any JSON: converted without reflection (see value-json.ts).
    const message =
      command.input === ValueSchema ? valueFromJson(input) : fromJson(command.input, input, { ignoreUnknownFields: true });
    const invocation = {
      actor: { kind: 'webhook', subject: `webhook:${caller.key}`, permissions: new Set(caller.permissions) },
      requestId: caller.requestId,
      signal: caller.signal,
    } as const;
    const outcome = await bus.execute(name, message, invocation);
    return { success: true, message: outcome.message, data: envelopeData(command, message, outcome.output) };
  } catch (error) {
    const failure = toAppError(error);
    if (failure.code === 'internal') {
      return { success: false, message: failure.message, errors: [`${name} failed unexpectedly: ${describeCause(failure)}`] };
    }
    return {
      success: false,
      message: failure.message,
      errors: failure.errors.length > 0 ? failure.errors : [failure.message],
      ...(failure.retryAfterMs !== undefined && { retryAfterMs: failure.retryAfterMs }),
    };
  }
}

/** A failed command's Retry-After, as a field to spread into an executor's result. */
export function retryAfterOf(outcome: WebhookCommandOutcome): { retryAfterMs?: number } {
  return !outcome.success && outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {};
}
