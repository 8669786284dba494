import { ExecutionType } from '../../gen/bpm/webhooks/v1/enums_pb.js';
import { executionTypeList, type ExecutionTypeName } from './proto-lists.js';

/** What a StartProcess configuration does with a webhook: start an instance, or reach a waiting one. */
export const processActions = ['start', 'correlate'] as const;

export interface CommandChainStep {
  readonly commandName: string;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** Type 0: one registered command. */
export interface NativeCommandTarget {
  readonly case: 'native';
  readonly commandName: string;
}

/** Type 1: registered commands in order, each with its parameters. */
export interface CommandChainTarget {
  readonly case: 'chain';
  readonly steps: readonly CommandChainStep[];
}

/** Type 2: a function body run in the script sandbox. */
export interface ScriptTarget {
  readonly case: 'script';
  readonly code: string;
}

/** Type 3: a deployed BPMN process definition, started by the webhook or reached by it as a message. */
export interface StartProcessTarget {
  readonly case: 'process';
  readonly definitionId: number;
  /** "start" (null means start too) or "correlate"; anything else is refused when saved. */
  readonly action: string | null;
  /** With "correlate": the BPMN message (name, else id) delivered to the waiting instance. */
  readonly messageName: string | null;
  /** With "correlate": a JSON pointer into the body to the correlation key. */
  readonly correlationKey: string | null;
}

/** The work a configuration runs: exactly one kind, with exactly the fields that kind needs. */
export type ExecutionTarget = NativeCommandTarget | CommandChainTarget | ScriptTarget | StartProcessTarget;
export type ExecutionTargetCase = ExecutionTarget['case'];
/** The target of one kind. */
export type TargetOf<C extends ExecutionTargetCase> = TargetsByCase[C];
interface TargetsByCase {
  native: NativeCommandTarget;
  chain: CommandChainTarget;
  script: ScriptTarget;
  process: StartProcessTarget;
}

/** Each kind's value of the ExecutionType enum: its documented number and name (the legacy `executionType` and the metric label). */
export const executionTargetKinds = {
  native: kindOf(ExecutionType.EXECUTE_NATIVE_COMMAND),
  chain: kindOf(ExecutionType.EXECUTE_COMMAND_CHAIN),
  script: kindOf(ExecutionType.EXECUTE_CODE),
  process: kindOf(ExecutionType.START_PROCESS),
} as const satisfies Record<ExecutionTargetCase, { code: number; name: ExecutionTypeName }>;

function kindOf(code: ExecutionType): { readonly code: number; readonly name: ExecutionTypeName } {
  return executionTypeList.find((type) => type.code === code)!;
}

const caseByCode = new Map<number, ExecutionTargetCase>(
  (Object.entries(executionTargetKinds) as [ExecutionTargetCase, { code: number }][]).map(([kind, { code }]) => [code, kind]),
);

/** The kind of a documented `executionType` number, or undefined for any other number. */
export function caseOfExecutionType(code: number): ExecutionTargetCase | undefined {
  return caseByCode.get(code);
}

/**
 * The legacy flat form of a target, as the JSON gateway, the older proto fields and the store's
 * columns hold it: the type's number and one nullable field per type, null when another type's.
 */
export interface LegacyTargetFields {
  readonly executionType: number;
  readonly commandName: string | null;
  readonly commandChain: readonly CommandChainStep[] | null;
  readonly executionCode: string | null;
  readonly processDefinitionId: number | null;
  readonly processAction: string | null;
  readonly messageName: string | null;
  readonly correlationKey: string | null;
}

const noTargetFields = {
  commandName: null,
  commandChain: null,
  executionCode: null,
  processDefinitionId: null,
  processAction: null,
  messageName: null,
  correlationKey: null,
} as const;

/** A target in the legacy flat form: its own field set, every other type's null. */
export function toLegacyTargetFields(target: ExecutionTarget): LegacyTargetFields {
  const executionType = executionTargetKinds[target.case].code;
  switch (target.case) {
    case 'native':
      return { ...noTargetFields, executionType, commandName: target.commandName };
    case 'chain':
      return { ...noTargetFields, executionType, commandChain: target.steps };
    case 'script':
      return { ...noTargetFields, executionType, executionCode: target.code };
    case 'process':
      return {
        ...noTargetFields,
        executionType,
        processDefinitionId: target.definitionId,
        processAction: target.action,
        messageName: target.messageName,
        correlationKey: target.correlationKey,
      };
    default:
      return unknownTarget(target);
  }
}

/**
 * The target the legacy fields of a saved configuration (its row) or of a received request name.
 * A missing field reads as empty, as it always did, so the executor refuses it with its own reason
 * ("The command chain is empty") and the unrunnable-configs check names it; a chain kept as
 * `commandName: "A,B,C"` reads as those steps. Only a number no kind has throws.
 */
export function targetFromLegacyFields(fields: LegacyTargetFields): ExecutionTarget {
  const kind = caseOfExecutionType(fields.executionType);
  switch (kind) {
    case 'native':
      return { case: 'native', commandName: fields.commandName ?? '' };
    case 'chain':
      return {
        case: 'chain',
        steps: fields.commandChain ?? (fields.commandName ? chainFromCommandNames(fields.commandName) : []),
      };
    case 'script':
      return { case: 'script', code: fields.executionCode ?? '' };
    case 'process':
      return {
        case: 'process',
        definitionId: fields.processDefinitionId ?? 0,
        action: fields.processAction,
        messageName: fields.messageName,
        correlationKey: fields.correlationKey,
      };
    case undefined:
      throw new Error(`Execution type ${fields.executionType} is unknown`);
    default:
      return unknownTarget(kind);
  }
}

/** A chain written the short way, `"A, B,C"`: those commands in order, without parameters (an empty name stays, to be refused). */
export function chainFromCommandNames(names: string): CommandChainStep[] {
  return names
    .split(',')
    .map((name) => name.trim())
    .map((commandName) => ({ commandName, parameters: {} }));
}

/** The default of an exhaustive switch over the kinds: unreachable while every kind has its case. */
export function unknownTarget(target: never): never {
  throw new Error(`Unknown execution target ${JSON.stringify(target)}`);
}

/** The name of a documented `executionType` number ("ExecuteCode"), or undefined for any other number. */
export function executionTypeName(code: number): ExecutionTypeName | undefined {
  const kind = caseOfExecutionType(code);
  return kind && executionTargetKinds[kind].name;
}
