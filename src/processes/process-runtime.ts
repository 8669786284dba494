import type { CorrelationKeyType, ProcessInstance } from '../domain/process-instance.js';

/** Supervised: the start waits (bounded by PROCESS_SUPERVISED_TIMEOUT_MS) for the instance to complete, fail or wait; FireAndForget: it answers once the instance is stored. */
export type ExecutionMode = 'Supervised' | 'FireAndForget';

/** Where a started instance comes from: the webhook event that started it (started once across retried attempts), the message start event it waits at. */
export interface StartOrigin {
  readonly eventId?: number;
  readonly startMessage?: string;
}

/** A message for the instance of a definition that waits for it under a correlation key. */
export interface CorrelatedMessage {
  readonly definitionId: number;
  readonly messageName: string;
  readonly correlationKey: string;
  /** The key's JSON type when the sender gave one (a webhook body): an instance keyed with the other type is not a match. */
  readonly correlationKeyType?: CorrelationKeyType;
  /**
   * The message: handed to a waiting instance as one variable (see messageVariableOf), never merged
   * over its variables; the variables of the instance a message start event starts.
   */
  readonly variables: Record<string, unknown>;
  /** The webhook event it comes from: delivered once across retried attempts. */
  readonly eventId?: number;
}

/**
 * The process subsystem as the rest of the service uses it: the StartProcess executor and the
 * process commands call it, compose-executors.ts makes it (createProcessRuntime) and stops it.
 * Every call that moves an instance holds the instance's lease while it does; refused (busy, not
 * waiting, finished) it throws an AppError with the reason.
 */
export interface ProcessRuntime {
  /** Stores a new instance and runs it; a webhook attempt retried after its instance was stored gets that instance. */
  start(
    definitionId: number,
    variables: Record<string, unknown>,
    mode: ExecutionMode,
    origin?: StartOrigin,
  ): Promise<ProcessInstance>;
  /** Completes a waiting task (the only one when `taskId` is empty), with variables merged first. */
  signal(id: number, taskId: string, variables: Record<string, unknown>): Promise<ProcessInstance>;
  /**
   * Delivers a message to the one waiting instance of the definition (any version of its name)
   * whose receive task or message catch event waits for it with its correlation key; without one,
   * starts an instance when the definition has a message start event for it.
   */
  correlate(message: CorrelatedMessage): Promise<ProcessInstance>;
  /** Ends an instance that has not finished, as CANCELLED with the reason, with the instances it called. */
  cancel(id: number, reason: string): Promise<ProcessInstance>;
  /** Resumes due timers and runs abandoned by a process that died, now and every PROCESS_TIMER_POLL_MS. */
  startPolling(): void;
  /** Stops polling and waits a bounded time for runs in flight; an unfinished one is taken over once its lease ends. */
  dispose(graceMs?: number): Promise<void>;
}
