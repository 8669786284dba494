import { fromJson, type JsonValue } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { describeCause, toAppError } from '../errors.js';
import type { WebhookCaller, WebhookCommandOutcome } from '../executors/command-port.js';
import type { CommandBus } from './command-bus.js';
import { envelopeData } from './execute-bpm-command.js';
import { valueFromJson } from './value-json.js';

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
