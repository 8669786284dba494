import type { Knex } from 'knex';
import { ExecutionType, httpMethods, responseModes, type WebhookConfigFields } from '../../domain/webhook-config.js';
import { AppError } from '../../errors.js';
import { findScriptSyntaxError } from '../../executors/script/find-script-syntax-error.js';
import { parseIpAllowList } from '../../router/ip-allow-list.js';
import { normalizePath } from '../../router/normalize-path.js';
import { decodeStandardWebhooksKey, minStandardWebhooksKeyBytes } from '../../router/verification/standard-webhooks-key.js';
import { verificationSchemes } from '../../router/verification/verifiers.js';
import { findEnabledRouteOwner, findWebhookConfigByKey } from '../../store/webhook-configs.js';
import type { CommandCatalog } from '../command.js';
import type { WebhookConfigDraft } from './webhook-config-draft.js';

export const limits = {
  keyLength: 100,
  descriptionLength: 1_000,
  pathLength: 500,
  codeLength: 64 * 1024,
  allowableIpsLength: 4_000,
  timeoutMs: 300_000,
  maxAttempts: 100,
} as const;


/** What validation needs to know beyond the fields themselves. */
export interface ValidationContext {
  readonly db: Knex;
  readonly commands: CommandCatalog;
  /** The configuration being updated, whose own key and route are not conflicts. */
  readonly exceptId?: number;
}

/**
 * Checks a draft and throws one error listing every problem: 400 "Validation failed", or 409 when
 * the only problems are conflicts with other configurations (a taken key or route).
 */
export async function validateWebhookConfig(
  draft: WebhookConfigDraft,
  context: ValidationContext,
): Promise<WebhookConfigFields> {
  const problems = findFieldProblems(draft, context.commands);
  const conflicts = await findConflicts(draft, context);
  if (problems.length > 0) throw new AppError('invalid_argument', 'Validation failed', [...problems, ...conflicts]);
  if (conflicts.length > 0) throw new AppError('already_exists', 'Validation failed', conflicts);
  return draft as WebhookConfigFields;
}

export function routeConflictMessage(action: string, path: string): string {
  return `Another enabled configuration already handles ${action} /${normalizePath(path)}`;
}

export const keyConflictMessage = 'A webhook configuration with this key already exists';

async function findConflicts(draft: WebhookConfigDraft, context: ValidationContext): Promise<string[]> {
  const conflicts: string[] = [];
  if (context.exceptId === undefined && draft.key && (await findWebhookConfigByKey(context.db, draft.key))) {
    conflicts.push(keyConflictMessage);
  }
  const normalizedPath = normalizePath(draft.path);
  if (draft.isEnabled && normalizedPath !== '') {
    const route = { normalizedPath, action: draft.action, ...(context.exceptId && { exceptId: context.exceptId }) };
    if (await findEnabledRouteOwner(context.db, route)) conflicts.push(routeConflictMessage(draft.action, draft.path));
  }
  return conflicts;
}

function findFieldProblems(draft: WebhookConfigDraft, commands: CommandCatalog): string[] {
  return [
    ...keyProblems(draft.key),
    ...textProblems(draft),
    ...actionProblems(draft.action),
    ...executionProblems(draft, commands),
    ...parseIpAllowList(draft.allowableIps).invalid.map(
      (entry) => `Allowable IP "${clip(entry)}" is not a valid IP address or CIDR range`,
    ),
    ...deliveryProblems(draft),
  ];
}

function keyProblems(key: string): string[] {
  if (key === '') return ['Key is required'];
  if (key.length > limits.keyLength) return [`Key must be at most ${limits.keyLength} characters`];
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(key)) {
    return ['Key may contain only letters, digits, ".", "_" and "-", and must start with a letter or digit'];
  }
  return [];
}

function textProblems(draft: WebhookConfigDraft): string[] {
  const problems: string[] = [];
  if (draft.description.length > limits.descriptionLength) {
    problems.push(`Description must be at most ${limits.descriptionLength} characters`);
  }
  if (draft.path.length > limits.pathLength) problems.push(`Path must be at most ${limits.pathLength} characters`);
  else if (!/^[A-Za-z0-9._~\-/]*$/.test(draft.path)) {
    problems.push('Path may contain only letters, digits, "/", ".", "_", "~" and "-"');
  }
  if (draft.allowableIps.length > limits.allowableIpsLength) {
    problems.push(`Allowable IPs must be at most ${limits.allowableIpsLength} characters`);
  }
  return problems;
}

function actionProblems(action: string): string[] {
  if (action === '') return ['Action is required'];
  if (!(httpMethods as readonly string[]).includes(action)) return [`Action must be one of ${httpMethods.join(', ')}`];
  return [];
}

const typeNames = ['ExecuteNativeCommand', 'ExecuteCommandChain', 'ExecuteCode', 'StartProcess'];

/** The field the execution type needs, present and sound, and no field of another type. */
function executionProblems(draft: WebhookConfigDraft, commands: CommandCatalog): string[] {
  const type = draft.executionType;
  if (type === undefined) return ['Execution type is required'];
  if (!Number.isInteger(type) || type < 0 || type > 3) {
    return ['Execution type must be 0 (ExecuteNativeCommand), 1 (ExecuteCommandChain), 2 (ExecuteCode) or 3 (StartProcess)'];
  }
  const typeName = typeNames[type];
  const present = {
    [ExecutionType.ExecuteNativeCommand]: draft.commandName !== null,
    [ExecutionType.ExecuteCommandChain]: draft.commandChain !== null,
    [ExecutionType.ExecuteCode]: draft.executionCode !== null,
    [ExecutionType.StartProcess]: draft.processDefinitionId !== null,
  };
  const fieldNames = ['Command name', 'Command chain', 'Execution code', 'Process definition id'];
  const problems = fieldNames.flatMap((field, fieldType) => {
    if (fieldType === type) return present[fieldType as ExecutionType] ? [] : [`${field} is required for ${typeName}`];
    return present[fieldType as ExecutionType] ? [`${field} is only used by ${typeNames[fieldType]}`] : [];
  });
  return [...problems, ...typeFieldProblems(draft, commands)];
}

function typeFieldProblems(draft: WebhookConfigDraft, commands: CommandCatalog): string[] {
  const commandNames = [
    ...(draft.commandName === null ? [] : [draft.commandName]),
    ...(draft.commandChain ?? []).map((step) => step.commandName),
  ];
  const problems = commandNames.flatMap((name) => runnableCommandProblems(name, commands));
  (draft.commandChain ?? []).forEach((step, index) => {
    const stepProblems = commands.find(step.commandName)?.parameterProblems?.(step.parameters) ?? [];
    problems.push(...stepProblems.map((problem) => `Step ${index + 1} (${step.commandName}): ${problem}`));
  });
  if (draft.executionCode !== null) problems.push(...scriptProblems(draft.executionCode));
  if (draft.processDefinitionId !== null) {
    // Process definitions are deployed through the BPMN engine, which is not part of this service yet.
    problems.push(`Process definition ${draft.processDefinitionId} does not exist`);
  }
  return problems;
}

function runnableCommandProblems(name: string, commands: CommandCatalog): string[] {
  if (name === '') return ['Command name must not be empty'];
  const command = commands.find(name);
  if (!command) return [`Command "${clip(name)}" is not registered`];
  if (!command.runnableFromWebhook) return [`Command "${name}" cannot be run from a webhook`];
  return [];
}

function scriptProblems(code: string): string[] {
  if (code.length > limits.codeLength) return [`Execution code must be at most ${limits.codeLength} characters`];
  // Compiled in an isolate without running it: a syntax error is reported now, not at the first call.
  const syntaxError = findScriptSyntaxError(code);
  return syntaxError ? [`Execution code does not compile: ${syntaxError}`] : [];
}

function deliveryProblems(draft: WebhookConfigDraft): string[] {
  const problems: string[] = [];
  if (!(responseModes as readonly string[]).includes(draft.responseMode)) {
    problems.push('Response mode must be "sync" or "async"');
  }
  if (draft.timeoutMs !== null && (draft.timeoutMs < 1 || draft.timeoutMs > limits.timeoutMs)) {
    problems.push(`Timeout must be between 1 and ${limits.timeoutMs} ms`);
  }
  if (draft.maxAttempts !== null && (draft.maxAttempts < 1 || draft.maxAttempts > limits.maxAttempts)) {
    problems.push(`Max attempts must be between 1 and ${limits.maxAttempts}`);
  }
  if (draft.idempotencyKey !== null && !/^(header:[A-Za-z0-9-]+|body:(\/[^/]*)+)$/.test(draft.idempotencyKey)) {
    problems.push('Idempotency key must be "header:<name>" or "body:<json-pointer>"');
  }
  const verification = draft.verification;
  if (verification) {
    if (!(verificationSchemes as readonly string[]).includes(verification.scheme)) {
      problems.push(`Verification scheme must be one of ${verificationSchemes.join(', ')}`);
    }
    if (verification.secrets.length === 0) problems.push('Verification needs at least one secret');
    if (verification.scheme === 'standard-webhooks') problems.push(...standardWebhooksSecretProblems(verification.secrets));
    if (!['', 'hex', 'base64'].includes(verification.encoding)) {
      problems.push('Verification encoding must be "hex" or "base64"');
    }
  }
  return problems;
}

/** Each secret decodes to a key of the spec's length; secrets are numbered when there are several, never echoed. */
function standardWebhooksSecretProblems(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret, index) => {
    const key = decodeStandardWebhooksKey(secret);
    if (key && key.length >= minStandardWebhooksKeyBytes) return [];
    const name = secrets.length > 1 ? `Verification secret ${index + 1}` : 'Verification secret';
    return [`${name} must be base64 (optionally after "whsec_") of at least ${minStandardWebhooksKeyBytes} bytes for standard-webhooks`];
  });
}

/** Echoes user input into messages without letting a 10,000-character value flood them. */
function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
