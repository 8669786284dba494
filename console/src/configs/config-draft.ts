import type { JsonObject } from '@bufbuild/protobuf';
import type { WebHookConfig } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';

/** The form's fields, as text, as the reader typed them. */
export interface ConfigDraft {
  readonly key: string;
  readonly description: string;
  readonly path: string;
  readonly action: string;
  readonly executionType: number;
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
  readonly verificationScheme: string;
  /** Write-only: empty on edit keeps the stored secrets. */
  readonly verificationSecret: string;
  readonly verificationHeader: string;
  readonly verificationPrefix: string;
  readonly verificationEncoding: string;
  readonly verificationToleranceSeconds: string;
}

export const emptyDraft: ConfigDraft = {
  key: '',
  description: '',
  path: '',
  action: 'POST',
  executionType: 0,
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
    executionType: config.executionType,
    commandName: config.commandName,
    commandChain: config.commandChain.length
      ? JSON.stringify(
          config.commandChain.map((step) => ({ commandName: step.commandName, parameters: step.parameters ?? {} })),
          null,
          2,
        )
      : emptyDraft.commandChain,
    executionCode: config.executionCode || emptyDraft.executionCode,
    processDefinitionId: config.processDefinitionId === undefined ? '' : String(config.processDefinitionId),
    processAction: config.processAction || 'start',
    messageName: config.messageName,
    correlationKey: config.correlationKey,
    allowableIps: config.allowableIps,
    responseMode: config.responseMode || 'sync',
    timeoutMs: config.timeoutMs === undefined ? '' : String(config.timeoutMs),
    maxAttempts: config.maxAttempts === undefined ? '' : String(config.maxAttempts),
    idempotencyKey: config.idempotencyKey,
    verificationScheme: config.verification?.scheme ?? '',
    verificationHeader: config.verification?.header ?? '',
    verificationPrefix: config.verification?.prefix ?? '',
    verificationEncoding: config.verification?.encoding ?? '',
    verificationToleranceSeconds:
      config.verification?.toleranceSeconds === undefined ? '' : String(config.verification.toleranceSeconds),
  };
}

/** The route and what it runs, as a dry run of the draft takes them (and a save, with the rest). */
export function draftExecution(draft: ConfigDraft) {
  const timeoutMs = number(draft.timeoutMs);
  return {
    path: draft.path,
    action: draft.action,
    executionType: draft.executionType,
    ...executionField(draft),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
}

const number = (text: string) => (text.trim() === '' ? undefined : Number(text));

/** A chain the form cannot send: said in words before the service is asked. */
export class DraftProblem extends Error {}

/**
 * The fields of a create or update: every common one, and only the one field the execution type
 * uses (the service refuses a field of another type). Verification only when `withVerification`,
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
    ...(withVerification && {
      verification: {
        scheme: draft.verificationScheme,
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

function executionField(draft: ConfigDraft) {
  switch (draft.executionType) {
    case 0:
      return { commandName: draft.commandName };
    case 1:
      return { commandChain: parseChain(draft.commandChain) };
    case 2:
      return { executionCode: draft.executionCode };
    default: {
      const id = draft.processDefinitionId.trim();
      if (id !== '' && !/^\d+$/.test(id)) throw new DraftProblem('The process definition id must be a number');
      const correlate = draft.processAction === 'correlate';
      return {
        ...(id !== '' && { processDefinitionId: BigInt(id) }),
        processAction: draft.processAction,
        // Empty clears them on an update: only a correlating configuration keeps a message and key.
        messageName: correlate ? draft.messageName : '',
        correlationKey: correlate ? draft.correlationKey : '',
      };
    }
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
