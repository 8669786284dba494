import {
  caseOfExecutionType,
  chainFromCommandNames,
  executionTargetKinds,
  type ExecutionTarget,
  type ExecutionTargetCase,
  type LegacyTargetFields,
  targetFromLegacyFields,
} from '../../domain/execution-target.js';
import { executionTypeList } from '../../domain/proto-lists.js';

/** The legacy flat target as a request sends it: the type may be missing, any field may be set. */
export type LegacyTargetDraft = Omit<LegacyTargetFields, 'executionType'> & { readonly executionType: number | undefined };

/** The target a legacy request names, or why it names none; a field of another type is a problem too. */
export interface TranslatedTarget {
  /** Null when the type is missing or unknown, or its own field is. */
  readonly target: ExecutionTarget | null;
  readonly problems: readonly string[];
}

type FlatField = Exclude<keyof LegacyTargetFields, 'executionType'>;

/** Each legacy field as messages name it. */
export const legacyFieldLabels: Record<keyof LegacyTargetFields, string> = {
  executionType: 'Execution type',
  commandName: 'Command name',
  commandChain: 'Command chain',
  executionCode: 'Execution code',
  processDefinitionId: 'Process definition id',
  processAction: 'Process action',
  messageName: 'Message name',
  correlationKey: 'Correlation key',
};

/** Each kind's flat field and the option fields only it reads, in the types' order. */
const flatFields: readonly {
  readonly kind: ExecutionTargetCase;
  readonly field: FlatField;
  readonly options: readonly FlatField[];
}[] = [
  { kind: 'native', field: 'commandName', options: [] },
  { kind: 'chain', field: 'commandChain', options: [] },
  { kind: 'script', field: 'executionCode', options: [] },
  {
    kind: 'process',
    field: 'processDefinitionId',
    options: ['processAction', 'messageName', 'correlationKey'],
  },
];

/**
 * The legacy flat shape (`executionType` plus one field per type) read once into a target: the
 * type's own field must be present and every other type's field and option absent. A chain may be
 * sent as `commandName: "A,B,C"`.
 */
export function translateLegacyTarget(draft: LegacyTargetDraft): TranslatedTarget {
  if (draft.executionType === undefined) return { target: null, problems: ['Execution type is required'] };
  const kind = caseOfExecutionType(draft.executionType);
  if (!kind) {
    const choices = executionTypeList.map(({ name, code }) => `${code} (${name})`);
    return { target: null, problems: [`Execution type must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`] };
  }
  const fields = withChainFromCommandName({ ...draft, executionType: draft.executionType }, kind);
  const own = flatFields.find((entry) => entry.kind === kind)!;
  const problems = flatFields.flatMap((other) => {
    const present = fields[other.field] !== null;
    if (other.kind === kind)
      return present ? [] : [`${legacyFieldLabels[other.field]} is required for ${executionTargetKinds[kind].name}`];
    return [other.field, ...other.options]
      .filter((field) => fields[field] !== null)
      .map((field) => `${legacyFieldLabels[field]} is only used by ${executionTargetKinds[other.kind].name}`);
  });
  return { target: fields[own.field] === null ? null : targetFromLegacyFields(fields), problems };
}

/** A chain given as `commandName: "A,B,C"` (and no steps) is those steps. */
function withChainFromCommandName(fields: LegacyTargetFields, kind: ExecutionTargetCase): LegacyTargetFields {
  if (kind !== 'chain' || !fields.commandName || fields.commandChain) return fields;
  return { ...fields, commandName: null, commandChain: chainFromCommandNames(fields.commandName) };
}
