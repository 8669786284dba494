import type { JsonObject } from '@bufbuild/protobuf';
import { ProcessAction, type WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';

/** The kinds of work a configuration runs: the cases of the `target` oneof. */
export type TargetKind = Exclude<WebHookConfig['target']['case'], undefined>;

/** Each kind as the form names it, in the order of its legacy number (ExecutionType in enums.proto). */
export const targetKinds = {
  native: 'Native command',
  chain: 'Command chain',
  script: 'Script',
  process: 'BPMN process',
} as const satisfies Record<TargetKind, string>;

/** The form's fields, as text, as the reader typed them. */
export interface ConfigDraft {
  readonly key: string;
  readonly description: string;
  readonly path: string;
  readonly action: string;
  /** Which of the target's fields below are sent: only those of this kind. */
  readonly kind: TargetKind;
  readonly commandName: string;
  /** JSON: `[{"commandName": ..., "parameters": {...}}]`. */
  readonly commandChain: string;
  readonly executionCode: string;
  readonly processDefinitionId: string;
  /** StartProcess: "start" or "correlate" (deliver the webhook as a message to a waiting instance). */
  readonly processAction: string;
  readonly messageName: string;
  /** A JSON pointer into the body to the correlation key, e.g. "/data/mandateRef". */
  readonly correlationKey: string;
  readonly allowableIps: string;
  readonly responseMode: string;
  readonly timeoutMs: string;
  readonly maxAttempts: string;
  readonly idempotencyKey: string;
  /** ISO-8601 (`PT15M`) or seconds; empty: no expectation. */
  readonly expectedEvery: string;
  /** A source catalog entry; empty: the verification below is spelled out. */
  readonly source: string;
  readonly verificationScheme: string;
  /** Write-only: empty on edit keeps the stored secrets. */
  readonly verificationSecret: string;
  readonly verificationHeader: string;
  readonly verificationPrefix: string;
  readonly verificationEncoding: string;
  readonly verificationToleranceSeconds: string;
}

/** An input's change handler for one field of the draft, its text parsed when the field is not text. */
export type SetField = <K extends keyof ConfigDraft>(
  field: K,
  parse?: (value: string) => ConfigDraft[K],
) => (event: { target: { value: string } }) => void;

export const emptyDraft: ConfigDraft = {
  key: '',
  description: '',
  path: '',
  action: 'POST',
  kind: 'native',
  commandName: 'EchoCommand',
  commandChain: '[\n  { "commandName": "EchoCommand", "parameters": {} }\n]',
  executionCode: 'console.log("received", body);\nreturn { ok: true };',
  processDefinitionId: '',
  processAction: 'start',
  messageName: '',
  correlationKey: '',
  allowableIps: '',
  responseMode: 'sync',
  timeoutMs: '',
  maxAttempts: '',
  idempotencyKey: '',
  expectedEvery: '',
  source: '',
  verificationScheme: '',
  verificationSecret: '',
  verificationHeader: '',
  verificationPrefix: '',
  verificationEncoding: '',
  verificationToleranceSeconds: '',
};

export function draftOf(config: WebHookConfig): ConfigDraft {
  return {
    ...emptyDraft,
    key: config.key,
    description: config.description,
    path: config.path,
    action: config.action,
    ...targetDraft(config.target),
    allowableIps: config.allowableIps,
    responseMode: config.responseMode || 'sync',
    timeoutMs: config.timeoutMs === undefined ? '' : String(config.timeoutMs),
    maxAttempts: config.maxAttempts === undefined ? '' : String(config.maxAttempts),
    idempotencyKey: config.idempotencyKey,
    expectedEvery: config.expectedEvery ?? '',
    source: config.source ?? '',
    verificationScheme: config.verification?.scheme ?? '',
    verificationHeader: config.verification?.header ?? '',
    verificationPrefix: config.verification?.prefix ?? '',
    verificationEncoding: config.verification?.encoding ?? '',
    verificationToleranceSeconds:
      config.verification?.toleranceSeconds === undefined ? '' : String(config.verification.toleranceSeconds),
  };
}

/** A stored target in the form's fields: its kind and that kind's fields; the others keep their defaults. */
function targetDraft(target: WebHookConfig['target']): Partial<ConfigDraft> {
  switch (target.case) {
    case 'native':
      return { kind: 'native', commandName: target.value.commandName };
    case 'chain': {
      const steps = target.value.steps.map((step) => ({ commandName: step.commandName, parameters: step.parameters ?? {} }));
      return { kind: 'chain', commandChain: JSON.stringify(steps, null, 2) };
    }
    case 'script':
      return { kind: 'script', executionCode: target.value.code };
    case 'process': {
      const { definitionId, action, messageName, correlationKey } = target.value;
      const processAction = action === ProcessAction.CORRELATE ? 'correlate' : 'start';
      return { kind: 'process', processDefinitionId: String(definitionId), processAction, messageName, correlationKey };
    }
    case undefined:
      return {};
    default:
      return target satisfies never;
  }
}

/** The route and what it runs, as a dry run of the draft takes them (and a save, with the rest). */
export function draftExecution(draft: ConfigDraft) {
  const timeoutMs = number(draft.timeoutMs);
  return {
    path: draft.path,
    action: draft.action,
    target: targetOf(draft),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
}

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** A chain the form cannot send: said in words before the service is asked. */
export class DraftProblem extends Error {}

/**
 * The fields of a create or update: every common one, and the target as the oneof, holding only its
 * own kind's fields (an update replaces the stored target whole). Verification only when `withVerification`,
 * so an edit that does not touch it keeps the stored secrets.
 */
export function draftFields(draft: ConfigDraft, withVerification: boolean) {
  return {
    description: draft.description,
    ...draftExecution(draft),
    allowableIps: draft.allowableIps,
    responseMode: draft.responseMode,
    ...(number(draft.maxAttempts) !== undefined && { maxAttempts: number(draft.maxAttempts) }),
    idempotencyKey: draft.idempotencyKey,
    expectedEvery: draft.expectedEvery,
    source: draft.source,
    ...(withVerification && {
      verification: {
        // A source brings its own scheme: only its secret is sent.
        scheme: draft.source ? '' : draft.verificationScheme,
        ...(draft.verificationSecret && { secret: draft.verificationSecret }),
        header: draft.verificationHeader,
        prefix: draft.verificationPrefix,
        encoding: draft.verificationEncoding,
        ...(number(draft.verificationToleranceSeconds) !== undefined && {
          toleranceSeconds: number(draft.verificationToleranceSeconds),
        }),
      },
    }),
  };
}

/** The form's target as the `target` oneof: one case per kind, the others' fields left out. */
function targetOf(draft: ConfigDraft) {
  switch (draft.kind) {
    case 'native':
      return { case: 'native', value: { commandName: draft.commandName } } as const;
    case 'chain':
      return { case: 'chain', value: { steps: parseChain(draft.commandChain) } } as const;
    case 'script':
      return { case: 'script', value: { code: draft.executionCode } } as const;
    case 'process': {
      const id = draft.processDefinitionId.trim();
      if (id !== '' && !/^\d+$/.test(id)) throw new DraftProblem('The process definition id must be a number');
      const correlate = draft.processAction === 'correlate';
      const value = {
        definitionId: BigInt(id === '' ? 0 : id),
        action: correlate ? ProcessAction.CORRELATE : ProcessAction.START,
        // Only a correlating configuration has a message and key.
        messageName: correlate ? draft.messageName : '',
        correlationKey: correlate ? draft.correlationKey : '',
      };
      return { case: 'process', value } as const;
    }
    default:
      return draft.kind satisfies never;
  }
}

function parseChain(text: string): { commandName: string; parameters: JsonObject }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DraftProblem(`The command chain is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new DraftProblem('The command chain must be a JSON array of steps');
  return parsed.map((step: { commandName?: unknown; parameters?: unknown }, index) => {
    if (typeof step?.commandName !== 'string') throw new DraftProblem(`Step ${index + 1} of the chain needs a commandName`);
    return { commandName: step.commandName, parameters: (step.parameters ?? {}) as JsonObject };
  });
}
