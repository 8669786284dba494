import type { Extension, IScripts } from 'bpmn-elements';
import type { ProcessInstance, ProcessStatus, WaitingTask } from '../domain/process-instance.js';
import type { Db } from '../store/open-database.js';
import type { DefinitionCache } from './definition-cache.js';
import type { MessageRef } from './process-messages.js';

/**
 * What advances an instance: its first run, a resume after a restart or a timer, a signal to a
 * waiting task (the engine is signalled with the task's id, or its message's id for a receive task
 * or message event), a correlated message, recorded as delivered with the first state it produces
 * when it comes from a webhook event, or a called child that finished, handed back to its call
 * activity (recorded as returned with the first state it produces).
 */
export type Advance =
  | { readonly kind: 'start' }
  | { readonly kind: 'resume' }
  | { readonly kind: 'signal'; readonly signalId: string; readonly variables: Record<string, unknown> }
  | {
      readonly kind: 'message';
      /** The waiting element that takes the message. */
      readonly activityId: string;
      readonly message: MessageRef;
      readonly variables: Record<string, unknown>;
      readonly eventId?: number;
    }
  | { readonly kind: 'callReturned'; readonly activityId: string; readonly child: ProcessInstance };

export interface RunDeps {
  readonly db: Db;
  readonly clock: () => Date;
  readonly owner: string;
  /** How long a child instance a call activity starts is leased to this process. */
  readonly leaseMs: number;
  readonly maxSteps: number;
  /** Engine messages one advance may take (PROCESS_MAX_ADVANCE_STEPS). */
  readonly maxAdvanceSteps: number;
  /** PROCESS_ENGINE_SLICE_MS (engine-yield.ts). */
  readonly engineSliceMs: number;
  readonly maxVariablesBytes: number;
  readonly definitions: DefinitionCache;
  /** A fresh bpmn-engine `scripts` object (the sandbox) per run. */
  createScripts(): IScripts;
  /** bpmn-engine `extensions` for this run (service tasks). */
  readonly extensions?: Record<string, Extension>;
}

/** Where a run stopped, as stored. */
export interface RunOutcome {
  readonly status: ProcessStatus;
  readonly variables: Record<string, unknown>;
  readonly waiting: readonly WaitingTask[];
  readonly errors: readonly string[];
  /** Child instances its call activities started, stored and leased to this process: run them next. */
  readonly children: readonly ProcessInstance[];
}
