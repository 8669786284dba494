import type { JsonObject } from '@bufbuild/protobuf';
import type {
  CommandChainStep as CommandChainStepMessage,
  Verification,
} from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import type {
  CreateWebHookConfigCommand,
  UpdateWebHookConfigCommand,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import {
  type CommandChainStep,
  type ExecutionTarget,
  type LegacyTargetFields,
  toLegacyTargetFields,
} from '../../domain/execution-target.js';
import type { VerificationSettings, WebhookConfig, WebhookConfigFields } from '../../domain/webhook-config.js';
import { tidyPath } from '../../router/normalize-path.js';
import { sourceEntryOf } from '../../sources/source-catalog.js';
import { sourceVerification } from '../../sources/source-verification.js';
import { parseExpectedEvery } from '../../domain/expected-every.js';
import { keepMaskedSecrets } from './chain-step-secrets.js';
import { type LegacyTargetDraft, type TranslatedTarget, translateLegacyTarget } from './legacy-target.js';
import { translateTargetOneof } from './oneof-target.js';

/** Configuration fields as requested, before validation: the target may be missing or malformed. */
export type WebhookConfigDraft = Omit<WebhookConfigFields, 'target'> & {
  /** The target requested, when the request names one of a known kind with its field. */
  readonly target: ExecutionTarget | null;
  /** What is wrong with the shape the target was requested in (a missing type, another type's field). */
  readonly targetShapeProblems: readonly string[];
};

/** The configuration fields besides the target, as a draft holds them. */
type OtherFields = Omit<WebhookConfigDraft, 'target' | 'targetShapeProblems'>;

export function draftFromCreate(input: CreateWebHookConfigCommand): WebhookConfigDraft {
  const legacy: LegacyTargetDraft = {
    executionType: input.executionType,
    commandName: emptyToNull(input.commandName),
    commandChain: toChain(input.commandChain, null),
    executionCode: emptyToNull(input.executionCode),
    processDefinitionId: input.processDefinitionId === undefined ? null : Number(input.processDefinitionId),
    processAction: emptyToNull(input.processAction.trim()),
    messageName: emptyToNull(input.messageName.trim()),
    correlationKey: emptyToNull(input.correlationKey.trim()),
  };
  const requested =
    input.target.case === undefined
      ? translateLegacyTarget(legacy)
      : withStoredSecrets(translateTargetOneof(input.target, legacy), null);
  const source = emptyToNull(input.source.trim());
  return withTarget(requested, {
    key: input.key.trim(),
    description: input.description,
    isEnabled: input.isEnabled ?? true,
    path: tidyPath(input.path),
    action: input.action.trim().toUpperCase(),
    allowableIps: input.allowableIps.trim(),
    responseMode: input.responseMode.trim() || 'sync',
    timeoutMs: input.timeoutMs ?? null,
    maxAttempts: input.maxAttempts ?? null,
    idempotencyKey: emptyToNull(input.idempotencyKey.trim()),
    orderingKey: emptyToNull(input.orderingKey.trim()),
    maxConcurrency: input.maxConcurrency ?? null,
    maxPerSecond: input.maxPerSecond ?? null,
    verification: toVerificationSettings(input.verification, null, source !== null),
    source,
    expectedEverySeconds: expectedEveryFrom(input.expectedEvery),
  });
}

/**
 * Applies the fields present in an update to the stored configuration. A `target` oneof replaces
 * the stored target whole; in the legacy fields, when the execution type changes, the stored fields
 * of the old type are dropped so that only the new type's field remains.
 */
export function draftFromUpdate(existing: WebhookConfig, input: UpdateWebHookConfigCommand): WebhookConfigDraft {
  const stored = toLegacyTargetFields(existing.target);
  const typeChanges = input.executionType !== undefined && input.executionType !== stored.executionType;
  const target = typeChanges ? { ...stored, ...withoutTargetFields } : stored;
  const legacy: LegacyTargetDraft = {
    executionType: input.executionType ?? target.executionType,
    commandName: input.commandName === undefined ? target.commandName : emptyToNull(input.commandName),
    commandChain: input.commandChain.length > 0 ? toChain(input.commandChain, stored.commandChain) : target.commandChain,
    executionCode: input.executionCode === undefined ? target.executionCode : emptyToNull(input.executionCode),
    processDefinitionId: input.processDefinitionId === undefined ? target.processDefinitionId : Number(input.processDefinitionId),
    processAction: input.processAction === undefined ? target.processAction : emptyToNull(input.processAction.trim()),
    messageName: input.messageName === undefined ? target.messageName : emptyToNull(input.messageName.trim()),
    correlationKey: input.correlationKey === undefined ? target.correlationKey : emptyToNull(input.correlationKey.trim()),
  };
  const requested =
    input.target.case === undefined
      ? translateLegacyTarget(legacy)
      : withStoredSecrets(translateTargetOneof(input.target, sentInUpdate(input, stored)), stored.commandChain);
  const source = input.source === undefined ? (existing.source ?? null) : emptyToNull(input.source.trim());
  return withTarget(requested, {
    key: existing.key,
    description: input.description ?? existing.description,
    isEnabled: input.isEnabled ?? existing.isEnabled,
    path: input.path === undefined ? existing.path : tidyPath(input.path),
    action: input.action?.trim().toUpperCase() ?? existing.action,
    allowableIps: input.allowableIps?.trim() ?? existing.allowableIps,
    responseMode: input.responseMode?.trim() || existing.responseMode,
    timeoutMs: input.timeoutMs ?? existing.timeoutMs,
    maxAttempts: input.maxAttempts ?? existing.maxAttempts,
    idempotencyKey: input.idempotencyKey === undefined ? existing.idempotencyKey : emptyToNull(input.idempotencyKey.trim()),
    orderingKey: input.orderingKey === undefined ? existing.orderingKey : emptyToNull(input.orderingKey.trim()),
    maxConcurrency: limitFromUpdate(input.maxConcurrency, existing.maxConcurrency),
    maxPerSecond: limitFromUpdate(input.maxPerSecond, existing.maxPerSecond),
    verification: input.verification
      ? toVerificationSettings(input.verification, existing.verification, source !== null)
      : existing.verification,
    source,
    expectedEverySeconds:
      input.expectedEvery === undefined ? (existing.expectedEverySeconds ?? null) : expectedEveryFrom(input.expectedEvery),
  });
}

/** Seconds, null when empty, NaN when it does not parse (validation refuses it with the rule). */
function expectedEveryFrom(text: string): number | null {
  if (text.trim() === '') return null;
  return parseExpectedEvery(text) ?? Number.NaN;
}

/** Every type's field and option, cleared when the type changes so that only the new type's remain. */
const withoutTargetFields = {
  commandName: null,
  commandChain: null,
  executionCode: null,
  processDefinitionId: null,
  processAction: null,
  messageName: null,
  correlationKey: null,
} as const;

/** The legacy target fields an update carries (an empty string clears, so it sends nothing to agree with). */
function sentInUpdate(input: UpdateWebHookConfigCommand, stored: LegacyTargetFields): Partial<LegacyTargetDraft> {
  return {
    executionType: input.executionType,
    commandName: input.commandName === undefined ? null : emptyToNull(input.commandName),
    commandChain: input.commandChain.length > 0 ? toChain(input.commandChain, stored.commandChain) : null,
    executionCode: input.executionCode === undefined ? null : emptyToNull(input.executionCode),
    processDefinitionId: input.processDefinitionId === undefined ? null : Number(input.processDefinitionId),
    processAction: input.processAction === undefined ? null : emptyToNull(input.processAction.trim()),
    messageName: input.messageName === undefined ? null : emptyToNull(input.messageName.trim()),
    correlationKey: input.correlationKey === undefined ? null : emptyToNull(input.correlationKey.trim()),
  };
}

/** A chain given as the oneof keeps stored secrets sent back as the mask, as the legacy chain does (see chain-step-secrets.ts). */
function withStoredSecrets(requested: TranslatedTarget, stored: readonly CommandChainStep[] | null): TranslatedTarget {
  const { target } = requested;
  if (target?.case !== 'chain') return requested;
  return { ...requested, target: { case: 'chain', steps: keepMaskedSecrets(target.steps, stored) } };
}

function withTarget(
  translated: { target: ExecutionTarget | null; problems: readonly string[] },
  fields: OtherFields,
): WebhookConfigDraft {
  return { ...withSourceVerification(fields), target: translated.target, targetShapeProblems: translated.problems };
}

/**
 * A configuration naming a catalog source keeps only the secrets of its verification; the rest is the
 * source's, saved alongside so reads show it (the inbox still takes it from the catalog).
 */
function withSourceVerification(fields: OtherFields): OtherFields {
  const entry = fields.source ? sourceEntryOf(fields.source) : undefined;
  if (!entry) return fields;
  return { ...fields, verification: sourceVerification(entry, fields.verification?.secrets ?? []) };
}

/** Steps as sent, where a secret sent back as the mask keeps its stored value (see chain-step-secrets.ts). */
function toChain(
  steps: readonly CommandChainStepMessage[],
  stored: readonly CommandChainStep[] | null,
): CommandChainStep[] | null {
  if (steps.length === 0) return null;
  const chain = steps.map((step) => ({
    commandName: step.commandName.trim(),
    parameters: step.parameters ?? ({} as JsonObject),
  }));
  return keepMaskedSecrets(chain, stored);
}

/**
 * Secrets are write-only: an update that omits them keeps the stored ones. An empty scheme removes
 * verification, unless the configuration names a source: then the verification carries its secrets only.
 */
function toVerificationSettings(
  input: Verification | undefined,
  existing: VerificationSettings | null,
  namesSource: boolean,
): VerificationSettings | null {
  if (!input || (input.scheme.trim() === '' && !namesSource)) return null;
  const secrets = [input.secret, ...input.secrets].filter((secret) => secret !== '');
  return {
    scheme: input.scheme.trim().toLowerCase(),
    secrets: secrets.length > 0 ? secrets : (existing?.secrets ?? []),
    header: input.header.trim(),
    prefix: input.prefix,
    encoding: input.encoding.trim().toLowerCase(),
    toleranceSeconds: input.toleranceSeconds ?? null,
  };
}

/** An update's limit: absent keeps the stored one, 0 removes it, anything else is validated as given. */
function limitFromUpdate(input: number | undefined, stored: number | null): number | null {
  if (input === undefined) return stored;
  return input === 0 ? null : input;
}

function emptyToNull(value: string): string | null {
  return value === '' ? null : value;
}
