import type { JsonValue } from '@bufbuild/protobuf';
import type { Extension, IScripts } from 'bpmn-elements';
import { Engine } from 'bpmn-engine';
import type { SerializableContext } from 'moddle-context-serializer';
import type { ActivityRecord } from '../domain/process-instance.js';
import type { ProcessDefinition } from '../domain/process-definition.js';
import { createCommandRecorder, type ConfigDryRun, type DryRunFlow, type ProcessDryRunPath } from '../executors/dry-run.js';
import type { ExecutionLogLine } from '../executors/execution-job.js';
import type { ScriptSandbox } from '../executors/script/script-sandbox.js';
import { createDefinitionCache } from './definition-cache.js';
import { createEngineYield } from './engine-yield.js';
import { createProcessScripts, customProperties } from './process-scripts.js';
import { publicVariables } from './process-variables.js';
import { followUncaughtErrors, uncaughtErrorSentence } from './thrown-errors.js';
import { processEnvironment } from './process-environment.js';

/** What a process dry run may use and how far it may go. */
export interface ProcessDryRunOptions {
  readonly sandbox: ScriptSandbox;
  readonly scriptTimeoutMs: number;
  /** PROCESS_MAX_STEPS: activities the run may start. */
  readonly maxSteps: number;
  /** PROCESS_ENGINE_SLICE_MS (engine-yield.ts). */
  readonly engineSliceMs: number;
  /** The whole run's bound: past it, it stops with an error. */
  readonly timeoutMs: number;
}

/** Tasks whose work is a command: the dry run stops before them. */
const commandTasks = new Set(['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask']);
const definitions = createDefinitionCache();

interface ActivityContent {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly outbound?: readonly { id: string; action: string; result?: unknown; targetId: string; isDefault?: boolean }[];
}

type Stop = { status: ProcessDryRunPath['status']; stoppedAt: string; error?: string };

/**
 * Runs a deployed definition with `variables` on bpmn-engine, as a start would, and stores nothing:
 * scripts and script conditions run in the sandbox (their doCmd calls recorded, not run); the run
 * stops at its first service task (before its command) or wait point (a user or receive task, a
 * message, signal or timer, a call activity), or at its end. It answers the path: each activity,
 * each flow leaving one, and what each condition evaluated to.
 */
export async function dryRunProcess(
  definition: ProcessDefinition,
  variables: Record<string, unknown>,
  options: ProcessDryRunOptions,
): Promise<ConfigDryRun> {
  const started = performance.now();
  const sourceContext = await definitions.sourceContextOf(definition);
  const recorder = createCommandRecorder();
  const logs: ExecutionLogLine[] = [];
  const activities: ActivityRecord[] = [];
  const flows: DryRunFlow[] = [];
  let stop: (outcome: Stop) => void = () => {};
  const stopped = new Promise<Stop>((resolve) => (stop = resolve));
  const scripts = createProcessScripts({
    sandbox: options.sandbox,
    timeoutMs: options.scriptTimeoutMs,
    runCommand: async (name, data) => recorder.record(name, data),
    onLog: (_activityId, lines) => logs.push(...(lines as ExecutionLogLine[])),
  }) as unknown as IScripts;
  const serviceTask = (activity: { id: string; type: string; behaviour: Parameters<typeof customProperties>[0] }) => {
    if (!commandTasks.has(activity.type)) return undefined;
    (activity.behaviour as { Service?: unknown }).Service = function StopBeforeCommand() {
      return {
        execute() {
          const command = customProperties(activity.behaviour).get('Command');
          if (command) recorder.record(command, null, activity.id);
          stop({ status: 'SERVICE_TASK', stoppedAt: activity.id });
        },
      };
    };
    return undefined;
  };
  // Yielding, so its own time bound (a timer) can end a run that would not stop by itself.
  const yielding = createEngineYield(
    (error) => stop({ status: 'ERROR', stoppedAt: '', error: error instanceof Error ? error.message : String(error) }),
    options.engineSliceMs,
  );
  const engine = new Engine({
    name: `dry-run-${definition.id}`,
    sourceContext,
    scripts,
    variables: { ...variables },
    extensions: { stopBeforeCommands: serviceTask as unknown as Extension, engineYield: yielding.extension },
  });
  followPath(engine, sourceContext, { activities, flows, maxSteps: options.maxSteps, stop, holding: yielding.holding });
  // As a real run ends: in ERROR at an error end event nothing caught, naming its error and code.
  const thrown = followUncaughtErrors(engine.broker);
  engine.once('end', () => {
    const uncaught = thrown.uncaught();
    stop(
      uncaught
        ? { status: 'ERROR', stoppedAt: uncaught.activityId, error: uncaughtErrorSentence(uncaught) }
        : { status: 'COMPLETED', stoppedAt: '' },
    );
  });
  engine.once('error', (error: Error) => stop({ status: 'ERROR', stoppedAt: '', error: error.message }));
  const timer = setTimeout(
    () => stop({ status: 'ERROR', stoppedAt: '', error: `The dry run stopped after ${options.timeoutMs} ms` }),
    options.timeoutMs,
  );
  try {
    await engine.execute().catch((error: Error) => stop({ status: 'ERROR', stoppedAt: '', error: error.message }));
    const outcome = await stopped;
    yielding.halt();
    const result = publicVariables(processEnvironment(engine).variables) as JsonValue;
    // An engine that ended never settles a stop(): only a run left waiting (or cut off) is stopped.
    if (engine.state === 'running') await engine.stop();
    return {
      kind: 'start',
      success: outcome.status !== 'ERROR',
      result,
      errors: outcome.error === undefined ? [] : [outcome.error],
      logs,
      commands: recorder.commands,
      path: { status: outcome.status, stoppedAt: outcome.stoppedAt, activities, flows },
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Records activities and flows as the engine reports them, and stops the run where a real one would wait. */
function followPath(
  engine: Engine,
  context: SerializableContext,
  path: {
    activities: ActivityRecord[];
    flows: DryRunFlow[];
    maxSteps: number;
    stop: (outcome: Stop) => void;
    holding: () => boolean;
  },
): void {
  const on = (event: string, handler: (content: ActivityContent) => void) =>
    engine.broker.subscribeTmp('event', event, (_key, message) => handler(message.content as ActivityContent), { noAck: true });
  const now = () => new Date().toISOString();
  const ended = (content: ActivityContent, outcome: string) => {
    const record = path.activities.findLast((activity) => activity.id === content.id && activity.endedAt === null);
    if (record) Object.assign(record, { endedAt: now(), outcome });
  };
  const waitsAt = (content: ActivityContent): void => {
    setImmediate(() => {
      // A step held for the next turn (engine-yield.ts) is work, not a wait: look again once it has started.
      if (path.holding()) return waitsAt(content);
      // Only waiting, as a run decides too (stall-watch.ts): a boundary event armed beside its task is not the stop.
      if (engine.state === 'running' && engine.activityStatus !== 'executing') {
        path.stop({ status: 'WAITING', stoppedAt: firstWaiting(engine) ?? content.id });
      }
    });
  };
  on('activity.start', (content) => {
    path.activities.push({
      id: content.id,
      name: content.name ?? '',
      type: content.type,
      startedAt: now(),
      endedAt: null,
      outcome: 'running',
    });
    if (path.activities.length > path.maxSteps) {
      path.stop({
        status: 'ERROR',
        stoppedAt: content.id,
        error: `Process stopped after ${path.maxSteps} steps (PROCESS_MAX_STEPS)`,
      });
    }
  });
  on('activity.end', (content) => ended(content, 'completed'));
  on('activity.error', (content) => ended(content, 'error'));
  on('activity.wait', waitsAt);
  on('activity.timer', waitsAt);
  on('activity.call', waitsAt);
  on('activity.leave', (content) => {
    // A discarded branch leaves too, without having run: only activities that ran decide flows.
    if (!path.activities.some((activity) => activity.id === content.id)) return;
    for (const flow of content.outbound ?? []) path.flows.push(describeFlow(context, content.id, flow));
  });
}

function describeFlow(
  context: SerializableContext,
  sourceId: string,
  flow: NonNullable<ActivityContent['outbound']>[number],
): DryRunFlow {
  const element = context.getSequenceFlowById(flow.id);
  const condition = String(element?.behaviour.conditionExpression?.body ?? '').trim();
  const evaluated = condition !== '' && !flow.isDefault && 'result' in flow;
  return {
    id: flow.id,
    name: String(element?.name ?? ''),
    sourceId,
    targetId: flow.targetId,
    taken: flow.action === 'take',
    isDefault: flow.isDefault === true,
    condition,
    ...(evaluated && { conditionValue: asJson(flow.result) }),
  };
}

/** The first activity the engine waits at that is not a boundary event (those wait beside their task). */
function firstWaiting(engine: Engine): string | undefined {
  const postponed = (engine.execution?.getPostponed() ?? []) as { id: string; type: string }[];
  return (postponed.find((activity) => activity.type !== 'bpmn:BoundaryEvent') ?? postponed[0])?.id;
}

/** A condition's value as JSON; `undefined` (a path that names nothing) shows as null. */
function asJson(value: unknown): JsonValue {
  try {
    return (JSON.parse(JSON.stringify(value ?? null)) ?? null) as JsonValue;
  } catch {
    return String(value);
  }
}
