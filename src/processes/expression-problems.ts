import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import { checkConditionBody } from './condition-expressions.js';
import { checkTimerValue, type TimerType } from './timer-values.js';

/** An element of a parsed document with the nearest element above it that has an id. */
export interface PlacedElement {
  readonly element: ModdleElement;
  readonly owner: ModdleElement | undefined;
}

const timerTypes: readonly TimerType[] = ['timeDuration', 'timeDate', 'timeCycle'];
/** Properties that point at other elements rather than holding children. */
const references = new Set([
  '$parent',
  'sourceRef',
  'targetRef',
  'attachedToRef',
  'default',
  'messageRef',
  'errorRef',
  'signalRef',
]);

/** Every element of a parsed document, id or not, each once. */
export function* placedElements(parsed: ParseResult): Generator<PlacedElement> {
  const seen = new Set<object>();
  const stack: PlacedElement[] = [{ element: parsed.rootElement, owner: undefined }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (seen.has(next.element)) continue;
    seen.add(next.element);
    yield next;
    const owner = next.element.id ? next.element : next.owner;
    for (const [key, value] of Object.entries(next.element)) {
      if (references.has(key)) continue;
      for (const child of Array.isArray(value) ? value : [value]) {
        if (isElement(child)) stack.push({ element: child, owner });
      }
    }
  }
}

/**
 * What the engine would evaluate and cannot run safely or as written, found before deployment: timer
 * values (a zero cycle, a date the store cannot hold), conditions that are not JavaScript (FEEL, JUEL),
 * a called element that is not a property path, and scripts in a language other than JavaScript.
 * Values given as `${...}` are resolved at run time and checked then.
 */
export function expressionProblems(parsed: ParseResult, now: Date): string[] {
  const problems: string[] = [];
  for (const { element, owner } of placedElements(parsed)) {
    if (element.$type === 'bpmn:TimerEventDefinition') problems.push(...timerProblems(element, owner, now));
    if (element.$type === 'bpmn:SequenceFlow') problems.push(...conditionProblems(element));
    if (element.$type === 'bpmn:CallActivity') problems.push(...calledElementProblems(element));
    if (element.$type === 'bpmn:ScriptTask' && !isJavaScript(element.scriptFormat)) {
      problems.push(`Script task "${element.id ?? ''}" has script format "${element.scriptFormat}"; only JavaScript runs here`);
    }
  }
  return problems;
}

function conditionProblems(flow: ModdleElement): string[] {
  const condition = flow.conditionExpression as { body?: unknown; language?: unknown } | undefined;
  if (!condition) return [];
  const where = `Condition of flow "${flow.id ?? ''}" from "${flow.sourceRef?.id ?? ''}"`;
  if (condition.language !== undefined && !isJavaScript(condition.language)) {
    return [`${where} is in language "${condition.language}"; only JavaScript runs here`];
  }
  if (typeof condition.body !== 'string' || condition.body.trim() === '') return [`${where} is empty`];
  if (condition.language !== undefined) return [];
  const checked = checkConditionBody(condition.body);
  return 'problem' in checked ? [`${where}: ${checked.problem}`] : [];
}

/** bpmn-engine resolves a `${...}` called element as a property path; anything else would call nothing. */
function calledElementProblems(call: ModdleElement): string[] {
  const called = typeof call.calledElement === 'string' ? call.calledElement.trim() : '';
  if (!called.includes('${') || /^\$\{[\w$.]+\}$/.test(called)) return [];
  return [
    `Call activity "${call.id ?? ''}" names its process with "${called}"; only a property path (\${environment.variables.name}) is resolved`,
  ];
}

function timerProblems(timer: ModdleElement, owner: ModdleElement | undefined, now: Date): string[] {
  const problems: string[] = [];
  for (const type of timerTypes) {
    const body = (timer[type] as { body?: unknown } | undefined)?.body;
    if (typeof body !== 'string' || body.includes('${')) continue;
    const checked = checkTimerValue(type, body, { now, minCycleMs: 1 });
    if ('problem' in checked) problems.push(`Timer of "${owner?.id ?? ''}": ${checked.problem}`);
  }
  return problems;
}

/** Whether a script format names JavaScript (no format means JavaScript to bpmn-engine). */
export function isJavaScript(format: unknown): boolean {
  return format === undefined || format === '' || (typeof format === 'string' && /^(javascript|js)$/i.test(format.trim()));
}

function isElement(value: unknown): value is ModdleElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}
