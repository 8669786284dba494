import type { Knex } from 'knex';
import { httpMethods, responseModes, type VerificationSettings, type WebhookConfigFields } from '../../domain/webhook-config.js';
import { expectedEveryRule, isExpectedEveryWithin } from '../../domain/expected-every.js';
import { AppError, alreadyExists } from '../../errors.js';
import { clip } from '../../domain/clip.js';
import { parseIpAllowList } from '../../router/ip-allow-list.js';
import { normalizePath } from '../../router/normalize-path.js';
import { decodeStandardWebhooksKey, minStandardWebhooksKeyBytes } from '../../router/verification/standard-webhooks-key.js';
import { configurableSchemes } from '../../domain/proto-lists.js';
import { sourceEntryOf, sourceNames } from '../../sources/source-catalog.js';
import { findEnabledRouteOwner, findWebhookConfigByKey } from '../../store/webhook-configs.js';
import type { CommandCatalog } from '../command.js';
import { targetProblems } from './target-problems.js';
import type { WebhookConfigDraft } from './webhook-config-draft.js';

export const limits = {
  keyLength: 100,
  descriptionLength: 1_000,
  pathLength: 500,
  allowableIpsLength: 4_000,
  timeoutMs: 300_000,
  maxAttempts: 100,
  maxConcurrency: 10_000,
  maxPerSecond: 10_000,
} as const;

/** What validation needs to know beyond the fields themselves. */
export interface ValidationContext {
  readonly db: Knex;
  readonly commands: CommandCatalog;
  /** The saving token's permissions: the configuration's commands will run with them. */
  readonly authority: ReadonlySet<string>;
  /** The configuration being updated, whose own key and route are not conflicts. */
  readonly exceptId?: number;
}

/**
 * Checks a draft and throws one error listing every problem: 400 "Validation failed", or 409 when
 * the only problems are conflicts with other configurations (a taken key or route).
 */
export async function validateWebhookConfig(draft: WebhookConfigDraft, context: ValidationContext): Promise<WebhookConfigFields> {
  const problems = await findFieldProblems(draft, context);
  const conflicts = await findConflicts(draft, context);
  if (problems.length > 0) throw new AppError('invalid_argument', 'Validation failed', [...problems, ...conflicts]);
  if (conflicts.length > 0) throw alreadyExists('Validation failed', conflicts);
  const { targetShapeProblems: _shape, target, ...fields } = draft;
  // No problem means the request named a target of a known kind with its field.
  return { ...fields, target: target! };
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

async function findFieldProblems(draft: WebhookConfigDraft, context: ValidationContext): Promise<string[]> {
  return [
    ...keyProblems(draft.key),
    ...textProblems(draft),
    ...actionProblems(draft.action),
    ...(await findExecutionProblems(draft, context)),
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

/** The target as requested in a sound shape, and its own kind's checks (target-problems.ts) once there is one. */
export async function findExecutionProblems(draft: WebhookConfigDraft, context: ValidationContext): Promise<string[]> {
  const ownProblems = draft.target ? await targetProblems(draft.target, context) : [];
  return [...draft.targetShapeProblems, ...ownProblems];
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
  if (draft.maxConcurrency !== null && !isWithin(draft.maxConcurrency, limits.maxConcurrency)) {
    problems.push(`Max concurrency must be a whole number between 1 and ${limits.maxConcurrency}`);
  }
  if (draft.maxPerSecond !== null && !isWithin(draft.maxPerSecond, limits.maxPerSecond)) {
    problems.push(`Max per second must be a whole number between 1 and ${limits.maxPerSecond}`);
  }
  if (draft.idempotencyKey !== null && !/^(header:[A-Za-z0-9-]+|body:(\/[^/]*)+)$/.test(draft.idempotencyKey)) {
    problems.push('Idempotency key must be "header:<name>" or "body:<json-pointer>"');
  }
  if (draft.orderingKey !== null && !/^(header:[A-Za-z0-9-]+|body:(\/[^/]*)+)$/.test(draft.orderingKey)) {
    problems.push('Ordering key must be "header:<name>" or "body:<json-pointer>"');
  }
  if (draft.expectedEverySeconds != null && !isExpectedEveryWithin(draft.expectedEverySeconds)) {
    problems.push(expectedEveryRule);
  }
  if (draft.source) return [...problems, ...sourceProblems(draft.source, draft.verification, draft.allowableIps)];
  const verification = draft.verification;
  if (verification) {
    if (!(configurableSchemes as readonly string[]).includes(verification.scheme)) {
      problems.push(`Verification scheme must be one of ${configurableSchemes.join(', ')}`);
    }
    if (verification.secrets.length === 0) problems.push('Verification needs at least one secret');
    if (verification.scheme === 'standard-webhooks') problems.push(...standardWebhooksSecretProblems(verification.secrets));
    if (!['', 'hex', 'base64'].includes(verification.encoding)) {
      problems.push('Verification encoding must be "hex" or "base64"');
    }
  }
  return problems;
}

/**
 * A named source is in the catalog and, when it signs, has a secret of the form it needs; one that
 * signs nothing (Remita) needs allowableIPs, or anyone could post to the configuration.
 */
function sourceProblems(source: string, verification: VerificationSettings | null, allowableIps: string): string[] {
  const entry = sourceEntryOf(source);
  if (!entry) return [`Source must be one of ${sourceNames.join(', ')}`];
  if (!entry.verification) {
    return allowableIps || entry.callerIps ? [] : [`Source ${source} signs nothing: set allowableIPs to its callers' addresses`];
  }
  const secrets = verification?.secrets ?? [];
  if (secrets.length === 0) return [`Source ${source} needs at least one secret (${entry.secret})`];
  const base64Keyed = entry.verification.scheme === 'standard-webhooks' || entry.verification.scheme === 'svix';
  return base64Keyed ? standardWebhooksSecretProblems(secrets) : [];
}

/** Each secret decodes to a key of the spec's length; secrets are numbered when there are several, never echoed. */
function standardWebhooksSecretProblems(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret, index) => {
    const key = decodeStandardWebhooksKey(secret);
    if (key && key.length >= minStandardWebhooksKeyBytes) return [];
    const name = secrets.length > 1 ? `Verification secret ${index + 1}` : 'Verification secret';
    return [
      `${name} must be base64 (optionally after "whsec_") of at least ${minStandardWebhooksKeyBytes} bytes for standard-webhooks`,
    ];
  });
}

function isWithin(value: number, max: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= max;
}
