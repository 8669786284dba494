import type { ParseResult } from 'bpmn-moddle';
import type { SerializableContext } from 'moddle-context-serializer';
import type { ProcessDefinition } from '../domain/process-definition.js';
import type { ProcessInstance, WaitingTask } from '../domain/process-instance.js';
import type { Db } from '../store/open-database.js';
import { findLatestProcessDefinitionByName } from '../store/process-definitions.js';
import { customProperties } from './process-scripts.js';
import { fieldOf, parseMapping } from './variable-mapping.js';

/** How many call activities deep an instance may be: a process that calls itself ends in ERROR there. */
export const maxCallDepth = 10;
/**
 * How many instances one start may make through call activities, the root included: a process
 * calling itself through parallel call activities doubles at every level (2,047 instances at depth 10).
 */
export const maxCallTreeInstances = 100;

/** Why an instance ends in ERROR when its call tree has no room for the children `calls` would start. */
export function callTreeFullSentence(calls: readonly PlannedCall[]): string {
  return `Call activity "${calls[0]?.taskId}" would make more than ${maxCallTreeInstances} instances from one start`;
}

/** A child instance a waiting call activity is about to start. */
export interface PlannedCall {
  readonly taskId: string;
  readonly definition: ProcessDefinition;
  readonly variables: Record<string, unknown>;
}

/**
 * Whether `calledElement` names a process of the same document: bpmn-engine runs such a process
 * inside the instance itself; any other name is a deployed definition, started as a child instance.
 */
export function callsOwnProcess(context: SerializableContext, calledElement: string): boolean {
  return context.getProcesses().some((process) => process.id === calledElement);
}

/**
 * Resolves the definitions the new waiting call activities call (the latest version of the name)
 * and the variables each child starts with: the parent's, or the ones `InputMapping` names
 * (`{"childVariable": "parentVariable"}`). An error sentence when one cannot be called.
 */
export async function planCalls(
  db: Db,
  context: SerializableContext,
  parent: ProcessInstance,
  calls: readonly WaitingTask[],
  variables: Record<string, unknown>,
): Promise<{ plans: PlannedCall[] } | { error: string }> {
  if (calls.length > 0 && parent.callDepth + 1 > maxCallDepth) {
    return { error: `Call activity "${calls[0]?.id}" would nest more than ${maxCallDepth} called processes` };
  }
  const plans: PlannedCall[] = [];
  for (const call of calls) {
    const name = call.calledElement ?? '';
    const definition = await findLatestProcessDefinitionByName(db, name);
    if (!definition) return { error: `Call activity "${call.id}" calls process "${name}", which is not deployed` };
    try {
      const { input } = callMappingOf(context, call.id);
      plans.push({ taskId: call.id, definition, variables: input ? mapped(variables, input) : { ...variables } });
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }
  return { plans };
}

/** The variables a completed child hands back: all of them, or the ones `OutputMapping` names (`{"parentVariable": "childVariable"}`). */
export function returnedVariables(
  context: SerializableContext,
  activityId: string,
  child: ProcessInstance,
): Record<string, unknown> {
  const { output } = callMappingOf(context, activityId);
  return output ? mapped(child.variables, output) : { ...child.variables };
}

/** Why a call activity fails: its child ended in ERROR or was cancelled. */
export function callFailure(child: ProcessInstance): string {
  const detail = child.errors.length > 0 ? `: ${child.errors.join('; ')}` : '';
  return `Called process instance ${child.id} ended ${child.status}${detail}`;
}

/**
 * Problems with a document's call activities that deployment can see: a multi-instance one, one
 * without `calledElement`, or one naming a definition that is not deployed (nor the one being deployed, nor a process of the
 * same document). A name given as an expression (`${...}`) is resolved when the activity runs.
 */
export async function callActivityProblems(db: Db, parsed: ParseResult, deployingName: string): Promise<string[]> {
  const problems: string[] = [];
  const ownProcesses = new Set(
    (parsed.rootElement.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process').map((p) => p.id),
  );
  for (const element of Object.values(parsed.elementsById)) {
    if (element.$type !== 'bpmn:CallActivity') continue;
    if (element.loopCharacteristics) {
      problems.push(`Call activity "${element.id ?? ''}" with loop characteristics is not supported`);
      continue;
    }
    const called = typeof element.calledElement === 'string' ? element.calledElement.trim() : '';
    if (called === '') {
      problems.push(`Call activity "${element.id ?? ''}" must name the process it calls (calledElement)`);
      continue;
    }
    if (called.includes('${') || ownProcesses.has(called) || called.toLowerCase() === deployingName.toLowerCase()) continue;
    if (!(await findLatestProcessDefinitionByName(db, called))) {
      problems.push(`Call activity "${element.id ?? ''}" calls process "${called}", which is not deployed`);
    }
  }
  return problems;
}

function callMappingOf(context: SerializableContext, activityId: string) {
  const behaviour = context.getActivityById(activityId)?.behaviour ?? {};
  const properties = customProperties(behaviour as Parameters<typeof customProperties>[0]);
  return {
    input: parseMapping(properties.get('InputMapping'), activityId, 'InputMapping'),
    output: parseMapping(properties.get('OutputMapping'), activityId, 'OutputMapping'),
  };
}

/** `{target: sourcePath}` read from `source`. */
function mapped(source: Record<string, unknown>, mapping: Record<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [target, path] of Object.entries(mapping)) result[target] = fieldOf(source, path);
  return result;
}
