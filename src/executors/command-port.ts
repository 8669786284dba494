import type { JsonValue } from '@bufbuild/protobuf';

/** How a command run for a webhook ended: its data, or the sentences of its failure. */
export type WebhookCommandOutcome =
  | { readonly success: true; readonly message: string; readonly data: JsonValue }
  | {
      readonly success: false;
      readonly message: string;
      readonly errors: readonly string[];
      /** The command's target asked to be called again no sooner than this (see retry-after.ts). */
      readonly retryAfterMs?: number;
    };

/** A failed command's Retry-After, as a field to spread into an executor's result. */
export function retryAfterOf(outcome: WebhookCommandOutcome): { retryAfterMs?: number } {
  return !outcome.success && outcome.retryAfterMs !== undefined ? { retryAfterMs: outcome.retryAfterMs } : {};
}

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
 * Runs a registered command by name with JSON input and the caller's authority (never an
 * operator's); a failure is an outcome, never a throw.
 */
export type RunCommand = (name: string, input: JsonValue, caller: WebhookCaller) => Promise<WebhookCommandOutcome>;

/**
 * What executors know of the commands, and their only way to them: executors never import the
 * command bus (compose-executors.ts builds this port over it, see commands/webhook-command-port.ts).
 */
export interface CommandPort {
  readonly run: RunCommand;
  /**
   * Whether the command's input is its own API request message (StartProcessInstanceCommand,
   * CorrelateProcessMessageCommand, ...), which reads named fields rather than the webhook context.
   */
  takesApiRequest(name: string): boolean;
}
