import { isDeepStrictEqual } from 'node:util';
import {
  type ExecutionTarget,
  executionTargetKinds,
  type LegacyTargetFields,
  toLegacyTargetFields,
  unknownTarget,
} from '../../domain/execution-target.js';
import { type SetTargetMessage, targetFromMessage } from '../../executors/execution-target-message.js';
import { legacyFieldLabels, type LegacyTargetDraft, type TranslatedTarget } from './legacy-target.js';

/**
 * The target a request gives as the `target` oneof, with its own kind's field required. Legacy
 * fields sent beside it must say the same thing: each one set (`sent`, null when not) is compared
 * with the oneof's flat form, and a difference is a problem naming the field.
 */
export function translateTargetOneof(message: SetTargetMessage, sent: Partial<LegacyTargetDraft>): TranslatedTarget {
  const target = tidied(targetFromMessage(message));
  const missing = missingFieldProblem(target);
  const flat = toLegacyTargetFields(target);
  const conflicts = (Object.keys(sent) as (keyof LegacyTargetFields)[])
    .filter((field) => sent[field] !== undefined && sent[field] !== null && !isDeepStrictEqual(sent[field], flat[field]))
    .map((field) => `The target and ${legacyFieldLabels[field]} (${field}) disagree: give one of them, or the same in both`);
  const problems = [...(missing ? [missing] : []), ...conflicts];
  return { target: missing ? null : target, problems };
}

/** Trimmed as the legacy fields are. */
function tidied(target: ExecutionTarget): ExecutionTarget {
  switch (target.case) {
    case 'native':
    case 'script':
      return target;
    case 'chain':
      return { ...target, steps: target.steps.map((step) => ({ ...step, commandName: step.commandName.trim() })) };
    case 'process':
      return {
        ...target,
        messageName: target.messageName?.trim() || null,
        correlationKey: target.correlationKey?.trim() || null,
      };
    default:
      return unknownTarget(target);
  }
}

/** The kind's own field, empty: named as the legacy shape names it. */
function missingFieldProblem(target: ExecutionTarget): string | undefined {
  switch (target.case) {
    case 'native':
      return target.commandName === '' ? `Command name is required for ${executionTargetKinds.native.name}` : undefined;
    case 'chain':
      return target.steps.length === 0 ? `Command chain is required for ${executionTargetKinds.chain.name}` : undefined;
    case 'script':
      return target.code === '' ? `Execution code is required for ${executionTargetKinds.script.name}` : undefined;
    case 'process':
      return target.definitionId === 0 ? `Process definition id is required for ${executionTargetKinds.process.name}` : undefined;
    default:
      return unknownTarget(target);
  }
}
