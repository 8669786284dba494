import type { JsonObject } from '@bufbuild/protobuf';
import { ProcessAction, type WebHookConfig } from '../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { type ExecutionTarget, unknownTarget } from '../domain/execution-target.js';

/** The `target` oneof as every message that has one holds it (WebHookConfig, the create and update commands, ExecutionRequest). */
export type TargetMessage = WebHookConfig['target'];
/** A set `target` oneof. */
export type SetTargetMessage = Exclude<TargetMessage, { case: undefined }>;

/** A target as the `target` oneof (an init shape any of those messages accepts). */
export function toTargetMessage(target: ExecutionTarget) {
  switch (target.case) {
    case 'native':
      return { case: 'native', value: { commandName: target.commandName } } as const;
    case 'chain': {
      const steps = target.steps.map((step) => ({ commandName: step.commandName, parameters: step.parameters as JsonObject }));
      return { case: 'chain', value: { steps } } as const;
    }
    case 'script':
      return { case: 'script', value: { code: target.code } } as const;
    case 'process': {
      const { definitionId, action, messageName, correlationKey } = target;
      const value = {
        definitionId: BigInt(definitionId),
        action: processActionMessage(action),
        messageName: messageName ?? '',
        correlationKey: correlationKey ?? '',
      };
      return { case: 'process', value } as const;
    }
    default:
      return unknownTarget(target);
  }
}

/** The target a set `target` oneof names, its fields as sent (an empty string is empty, not absent). */
export function targetFromMessage(message: SetTargetMessage): ExecutionTarget {
  switch (message.case) {
    case 'native':
      return { case: 'native', commandName: message.value.commandName };
    case 'chain':
      return {
        case: 'chain',
        steps: message.value.steps.map((step) => ({ commandName: step.commandName, parameters: step.parameters ?? {} })),
      };
    case 'script':
      return { case: 'script', code: message.value.code };
    case 'process': {
      const { definitionId, action, messageName, correlationKey } = message.value;
      return {
        case: 'process',
        definitionId: Number(definitionId),
        action: processActionOf(action),
        messageName: messageName === '' ? null : messageName,
        correlationKey: correlationKey === '' ? null : correlationKey,
      };
    }
    default:
      return unknownTarget(message);
  }
}

const actionNames = new Map<ProcessAction, string | null>([
  [ProcessAction.UNSPECIFIED, null],
  [ProcessAction.START, 'start'],
  [ProcessAction.CORRELATE, 'correlate'],
]);

/** A number no action has reads as that number, which a save refuses ("Process action must be ..."). */
function processActionOf(action: ProcessAction): string | null {
  const name = actionNames.get(action);
  return name === undefined ? String(action) : name;
}

function processActionMessage(action: string | null): ProcessAction {
  for (const [value, name] of actionNames) if (name === action) return value;
  return ProcessAction.UNSPECIFIED;
}
