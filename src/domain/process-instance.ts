export const processStatuses = ['RUNNING', 'WAITING', 'COMPLETED', 'ERROR', 'CANCELLED'] as const;
export type ProcessStatus = (typeof processStatuses)[number];

/** A task or catch event that waits for a signal, a message or a timer. */
/** The JSON types a correlation key may have. */
export type CorrelationKeyType = 'string' | 'number';

export interface WaitingTask {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  /** A receive task or message event: the BPMN message's id (what the engine is signalled with) and name. */
  readonly messageId?: string;
  readonly messageName?: string;
  /** The value of the variable the element's `CorrelationKey` property names, when it waits for a message. */
  readonly correlationKey?: string;
  /** The JSON type of that value: a message's key of the other type is not a match ("123" is not 123). */
  readonly correlationKeyType?: CorrelationKeyType;
  /** A call activity: the definition name it calls and, once started, the child instance it waits for. */
  readonly calledElement?: string;
  readonly childInstanceId?: number;
}

/** One activity as it ran: outcome is "completed", "error", "discarded" or "running". */
export interface ActivityRecord {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly outcome: string;
}

export type ProcessVariables = Readonly<Record<string, unknown>>;

/** A process instance as stored. */
export interface ProcessInstance {
  readonly id: number;
  readonly definitionId: number;
  readonly status: ProcessStatus;
  readonly variables: ProcessVariables;
  readonly engineState: unknown;
  readonly waiting: readonly WaitingTask[];
  readonly history: readonly ActivityRecord[];
  readonly errors: readonly string[];
  readonly timerDueAt: Date | null;
  readonly steps: number;
  /** The message id that started it at a message start event (delivered again if its first run is lost). */
  readonly startMessage: string | null;
  /** The instance whose call activity started this one, and how many calls deep it is. */
  readonly parentInstanceId: number | null;
  readonly callDepth: number;
  /**
   * The W3C trace context (`traceparent`, `tracestate`) of the traced work that last moved it from
   * outside (its start, a signal, a correlated message): what the poller's later advances link to.
   * Null when that work was not traced.
   */
  readonly traceContext: Readonly<Record<string, string>> | null;
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly completedAt: Date | null;
}

export function isFinished(status: ProcessStatus): boolean {
  return status === 'COMPLETED' || status === 'ERROR' || status === 'CANCELLED';
}
