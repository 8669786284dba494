import type { JsonValue } from '@bufbuild/protobuf';
import { createHash } from 'node:crypto';
import type { ScriptCommandReply, ScriptSandbox } from '../executors/script/script-sandbox.js';
import { publicVariables } from './process-variables.js';
import { checkConditionBody, withoutStrings } from './condition-expressions.js';
import { conditionScriptSource, globalsScriptSource, standardScriptSource } from './script-source.js';

/** The part of a bpmn-engine activity a script is found from. */
interface ScriptedElement {
  readonly id: string;
  readonly type: string;
  readonly name?: string;
  readonly behaviour: {
    readonly scriptFormat?: string;
    readonly script?: string;
    readonly conditionExpression?: { readonly language?: string; readonly body?: string };
    readonly extensionElements?: { readonly values?: readonly GenericElement[] };
  };
}

interface GenericElement {
  readonly $type: string;
  readonly $children?: readonly { readonly $type: string; readonly name?: string; readonly value?: string }[];
}

/** What bpmn-engine hands a script: the execution's environment and message content. */
interface ScriptExecutionContext {
  readonly content: { readonly id: string; readonly type: string };
  readonly environment: { variables: Record<string, unknown>; output: Record<string, unknown> };
}

type ScriptCallback = (error: Error | null, result?: unknown) => void;

export interface ProcessScriptsOptions {
  readonly sandbox: ScriptSandbox;
  readonly timeoutMs: number;
  runCommand(name: string, data: JsonValue): Promise<ScriptCommandReply>;
  /** Notes each script's console output and failure for the instance's history. */
  onLog?(activityId: string, lines: readonly { level: string; message: string }[]): void;
}

/** The `custom:property` values of an element in the platform's namespace (`Script`, `ResultVariable`, ...). */
export function customProperties(element: ScriptedElement['behaviour']): Map<string, string> {
  const properties = new Map<string, string>();
  for (const value of element.extensionElements?.values ?? []) {
    if (!value.$type.endsWith(':properties')) continue;
    for (const child of value.$children ?? []) {
      if (child.name && child.value !== undefined) properties.set(child.name, child.value);
    }
  }
  return properties;
}

/**
 * bpmn-engine's `scripts` option backed by the script sandbox: script tasks (either style) and
 * JavaScript conditions run in isolated-vm with the sandbox's limits, never in node:vm. Elements
 * with no script get none (there is no pass-through dummy).
 */
export function createProcessScripts(options: ProcessScriptsOptions) {
  const scripts = new Map<string, { code: string; resultVariable?: string; condition: boolean }>();
  return {
    register(element: ScriptedElement) {
      const found = findScript(element);
      if (found) scripts.set(element.id, found);
    },
    getScript(_language: string, element: { id: string }) {
      const script = scripts.get(element.id);
      if (!script) return undefined;
      const cacheKey = `process:${createHash('sha256').update(script.code).digest('base64url')}`;
      return {
        execute(context: ScriptExecutionContext, callback: ScriptCallback) {
          const input = {
            variables: publicVariables(context.environment.variables),
            output: context.environment.output ?? {},
            content: { id: context.content.id, type: context.content.type },
          } as unknown as JsonValue;
          options.sandbox
            .run({ cacheKey, code: script.code, context: input, timeoutMs: options.timeoutMs, runCommand: options.runCommand })
            .then((outcome) => {
              if (outcome.logs.length > 0) options.onLog?.(element.id, outcome.logs);
              if (!outcome.ok) return callback(new Error(outcome.error));
              const reply = outcome.result as { error: string | null; value: unknown; variables: object; output: object };
              Object.assign(context.environment.variables, reply.variables);
              Object.assign(context.environment.output, reply.output);
              if (script.resultVariable) context.environment.variables[script.resultVariable] = reply.value;
              if (reply.error !== null) return callback(new Error(reply.error));
              callback(null, script.condition ? Boolean(reply.value) : (reply.value ?? undefined));
            })
            .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
        },
      };
    },
  };
}

function findScript(element: ScriptedElement): { code: string; resultVariable?: string; condition: boolean } | undefined {
  const { behaviour } = element;
  if (element.type === 'bpmn:SequenceFlow') {
    const expression = behaviour.conditionExpression;
    if (!expression?.body) return undefined;
    if (!expression.language) return { code: expressionConditionSource(expression.body), condition: true };
    if (!/^(javascript|js)$/i.test(expression.language)) return undefined;
    return { code: standardScriptSource(expression.body), condition: true };
  }
  const platform = customProperties(behaviour);
  const platformScript = platform.get('Script');
  if (platformScript !== undefined) {
    const resultVariable = platform.get('ResultVariable');
    return { code: globalsScriptSource(platformScript), condition: false, ...(resultVariable && { resultVariable }) };
  }
  if (behaviour.script && (!behaviour.scriptFormat || /^(javascript|js)$/i.test(behaviour.scriptFormat))) {
    return { code: standardScriptSource(behaviour.script), condition: false };
  }
  return undefined;
}

/** A condition without a language runs as JavaScript in the sandbox; one that cannot fails when evaluated. */
function expressionConditionSource(body: string): string {
  const checked = checkConditionBody(body);
  if ('problem' in checked) return `throw new Error(${JSON.stringify(`Condition ${checked.problem}`)});`;
  return conditionScriptSource(checked.expression, withoutStrings(checked.expression) ?? '');
}
