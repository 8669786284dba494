export const processStatuses = ['RUNNING', 'WAITING', 'COMPLETED', 'ERROR', 'CANCELLED'] as const;
export type ProcessStatus = (typeof processStatuses)[number];

/** A task or catch event that waits for a signal, a message or a timer. */
export interface WaitingTask {
  readonly id: string;
  readonly name: string;
  readonly type: string;
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
  readonly startedAt: Date;
  readonly updatedAt: Date;
  readonly completedAt: Date | null;
}

export function isFinished(status: ProcessStatus): boolean {
  return status === 'COMPLETED' || status === 'ERROR' || status === 'CANCELLED';
}
