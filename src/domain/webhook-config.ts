/** The four kinds of work a webhook can run, by their documented numbers. */
export const ExecutionType = {
  ExecuteNativeCommand: 0,
  ExecuteCommandChain: 1,
  ExecuteCode: 2,
  StartProcess: 3,
} as const;
export type ExecutionType = (typeof ExecutionType)[keyof typeof ExecutionType];
export type ExecutionTypeName = keyof typeof ExecutionType;

export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const responseModes = ['sync', 'async'] as const;

/** What a StartProcess configuration does with a webhook: start an instance, or reach a waiting one. */
export const processActions = ['start', 'correlate'] as const;

export interface CommandChainStep {
  readonly commandName: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** A signature scheme and its secrets, as stored. Secrets never leave the service. */
export interface VerificationSettings {
  readonly scheme: string;
  readonly secrets: readonly string[];
  readonly header: string;
  readonly prefix: string;
  readonly encoding: string;
  readonly toleranceSeconds: number | null;
}

/** What an operator sets on a configuration. */
export interface WebhookConfigFields {
  readonly key: string;
  readonly description: string;
  readonly isEnabled: boolean;
  readonly path: string;
  readonly action: string;
  readonly executionType: number;
  readonly commandName: string | null;
  readonly commandChain: readonly CommandChainStep[] | null;
  readonly executionCode: string | null;
  readonly processDefinitionId: number | null;
  /** StartProcess: "start" (null means start too) or "correlate". */
  readonly processAction: string | null;
  /** StartProcess correlate: the BPMN message (name, else id) delivered to the waiting instance. */
  readonly messageName: string | null;
  /** StartProcess correlate: a JSON pointer into the body to the correlation key. */
  readonly correlationKey: string | null;
  readonly allowableIps: string;
  readonly responseMode: string;
  readonly timeoutMs: number | null;
  readonly maxAttempts: number | null;
  readonly idempotencyKey: string | null;
  /** `header:<name>` or `body:<json-pointer>`: events with the same key run one at a time, in order. */
  readonly orderingKey: string | null;
  /** At most this many of its events run at once, across every process; null: no limit. */
  readonly maxConcurrency: number | null;
  /** At most this many of its events start per second, across every process; null: no limit. */
  readonly maxPerSecond: number | null;
  readonly verification: VerificationSettings | null;
  /**
   * A source catalog entry (src/sources/source-catalog.ts) whose verification, dedup key, event type
   * and caller allow-list apply; `verification` then holds only its secrets. Null or absent: none.
   */
  readonly source?: string | null;
}

/** A stored configuration. */
export interface WebhookConfig extends WebhookConfigFields {
  readonly id: number;
  readonly normalizedPath: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly activatedAt: Date | null;
  readonly deactivatedAt: Date | null;
  /**
   * The permissions its commands run with: those of the token that last created or updated it
   * (`webhooks:write`, `processes:write`, ...). A command needing another is refused at run time.
   */
  readonly authority: readonly string[];
  /** When its delivery was paused: its events are accepted and stored but none runs. Null while it runs. */
  readonly deliveryPausedAt: Date | null;
}

/**
 * The work a configuration names, in the fields WebHookConfig and ExecutionRequest share: its type,
 * command, chain, code or process (and what to do with it), and its time limit.
 */
export function executionTargetFields(config: WebhookConfig) {
  return {
    executionType: config.executionType,
    commandName: config.commandName ?? '',
    commandChain: (config.commandChain ?? []).map((step) => ({
      commandName: step.commandName,
      parameters: step.parameters as never,
    })),
    executionCode: config.executionCode ?? '',
    ...(config.processDefinitionId !== null && { processDefinitionId: BigInt(config.processDefinitionId) }),
    processAction: config.processAction ?? '',
    messageName: config.messageName ?? '',
    correlationKey: config.correlationKey ?? '',
    ...(config.timeoutMs !== null && { timeoutMs: config.timeoutMs }),
  };
}
