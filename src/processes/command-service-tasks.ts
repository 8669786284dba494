import type { JsonValue } from '@bufbuild/protobuf';
import type { Extension } from 'bpmn-elements';
import type { ScriptCommandReply } from '../executors/script/script-sandbox.js';
import { customProperties } from './process-scripts.js';
import { publicVariables } from './process-variables.js';
import { fieldOf, parseMapping } from './variable-mapping.js';

/** The part of a bpmn-engine service task the extension reads and equips. */
interface ServiceActivity {
  readonly id: string;
  readonly type: string;
  readonly environment: { readonly variables: Record<string, unknown>; readonly output: Record<string, unknown> };
  readonly behaviour: Parameters<typeof customProperties>[0] & {
    Service?: new (activity: ServiceActivity) => unknown;
  };
}

type ServiceCallback = (error: Error | null, output?: unknown) => void;

interface CommandTask {
  readonly command: string;
  readonly resultVariable?: string;
  /** Command input field → process variable. */
  readonly inputMapping?: Record<string, string>;
  /** Process variable → field of the command's data. */
  readonly outputMapping?: Record<string, string>;
}

/**
 * bpmn-engine `extensions` that make a service task with `custom:property name="Command"` run that
 * registered command through `runCommand` (with a webhook's rights): its input is the process
 * variables, or the fields `InputMapping` names; its data goes to `ResultVariable` and, through
 * `OutputMapping`, into variables. A failed command fails the task (a boundary error event catches it).
 */
export function createCommandServiceTasks(
  runCommand: (name: string, data: JsonValue) => Promise<ScriptCommandReply>,
): Record<string, Extension> {
  const extension = (activity: ServiceActivity) => {
    if (activity.type !== 'bpmn:ServiceTask') return undefined;
    const command = customProperties(activity.behaviour).get('Command');
    if (!command) return undefined;
    activity.behaviour.Service = function CommandService() {
      return {
        execute(_message: unknown, callback: ServiceCallback) {
          const variables = activity.environment.variables;
          let task: CommandTask;
          try {
            task = readCommandTask(activity, command);
          } catch (error) {
            return callback(error as Error);
          }
          void runCommand(task.command, commandInput(task, publicVariables(variables)))
            .then((reply) => {
              if (!reply.isSuccessful) {
                return callback(new Error(`${task.command} failed: ${reply.errors.join('; ') || reply.message}`));
              }
              if (task.resultVariable) variables[task.resultVariable] = reply.data;
              for (const [variable, field] of Object.entries(task.outputMapping ?? {})) {
                variables[variable] = fieldOf(reply.data, field);
              }
              callback(null, reply.data);
            })
            .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
        },
      };
    } as unknown as new (
      activity: ServiceActivity,
    ) => unknown;
    return undefined;
  };
  return { commandServiceTasks: extension as unknown as Extension };
}

function readCommandTask(activity: ServiceActivity, command: string): CommandTask {
  const properties = customProperties(activity.behaviour);
  const resultVariable = properties.get('ResultVariable');
  const inputMapping = parseMapping(properties.get('InputMapping'), activity.id, 'InputMapping');
  const outputMapping = parseMapping(properties.get('OutputMapping'), activity.id, 'OutputMapping');
  return {
    command,
    ...(resultVariable && { resultVariable }),
    ...(inputMapping && { inputMapping }),
    ...(outputMapping && { outputMapping }),
  };
}

function commandInput(task: CommandTask, variables: Record<string, unknown>): JsonValue {
  if (!task.inputMapping) return variables as JsonValue;
  const input: Record<string, unknown> = {};
  for (const [field, variable] of Object.entries(task.inputMapping)) input[field] = fieldOf(variables, variable);
  return input as JsonValue;
}
