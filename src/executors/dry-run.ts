import type { JsonValue } from '@bufbuild/protobuf';
import type { DirectHttpResponse } from '../domain/webhook-event.js';
import type { ActivityRecord } from '../domain/process-instance.js';
import type { ExecutionLogLine } from './execution-job.js';
import type { ScriptCommandReply } from './script/script-sandbox.js';

/** A command a dry run asked for and did not run. */
export interface DryRunCommand {
  readonly commandName: string;
  readonly data: JsonValue;
  /** The service task that asked for it, in a process. */
  readonly activityId?: string;
}

/** A sequence flow leaving an activity that ran, as the run decided it. */
export interface DryRunFlow {
  readonly id: string;
  readonly name: string;
  readonly sourceId: string;
  readonly targetId: string;
  readonly taken: boolean;
  readonly isDefault: boolean;
  /** The condition as written; empty without one. */
  readonly condition: string;
  /** What the condition evaluated to; undefined when it was not evaluated. */
  readonly conditionValue?: JsonValue;
}

/** How far a process draft ran: to its end, a wait point, a service task, or an error. */
export interface ProcessDryRunPath {
  readonly status: 'COMPLETED' | 'WAITING' | 'SERVICE_TASK' | 'ERROR';
  readonly stoppedAt: string;
  readonly activities: readonly ActivityRecord[];
  readonly flows: readonly DryRunFlow[];
}

/** The waiting instance a correlating webhook would reach. */
export interface CorrelationDryRun {
  readonly correlationKey: string;
  readonly messageName: string;
  readonly instanceId?: number;
  readonly waitingInstanceIds: readonly number[];
  readonly wouldStartInstance: boolean;
}

/** What a dry run of a configuration did; nothing of it was stored and no command ran. */
export interface ConfigDryRun {
  readonly kind: 'script' | 'start' | 'correlate';
  readonly success: boolean;
  readonly result: JsonValue;
  readonly errors: readonly string[];
  readonly logs: readonly ExecutionLogLine[];
  readonly commands: readonly DryRunCommand[];
  readonly path?: ProcessDryRunPath;
  readonly correlation?: CorrelationDryRun;
  readonly httpResponse?: DirectHttpResponse;
  readonly durationMs: number;
}

/** What `doCmd` answers in a dry run: the call is recorded, not run. */
export const notRunReply: ScriptCommandReply = {
  isSuccessful: false,
  message: 'Not run: dry run',
  data: null,
  errors: ['Commands are recorded, not run, in a dry run'],
};

/** Records the commands a dry run asks for, and answers each with `notRunReply`. */
export function createCommandRecorder() {
  const commands: DryRunCommand[] = [];
  return {
    commands,
    record(commandName: string, data: JsonValue, activityId?: string): ScriptCommandReply {
      commands.push({ commandName, data, ...(activityId !== undefined && { activityId }) });
      return notRunReply;
    },
  };
}
