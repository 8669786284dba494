import type { JsonObject } from '@bufbuild/protobuf';
import type {
  CommandChainStep as CommandChainStepMessage,
  Verification,
} from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import type {
  CreateWebHookConfigCommand,
  UpdateWebHookConfigCommand,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import type { OptionField, TargetField } from '../../executors/types/execution-type-descriptor.js';
import { executionTypes } from '../../executors/types/execution-types.js';
import {
  ExecutionType,
  type CommandChainStep,
  type VerificationSettings,
  type WebhookConfig,
  type WebhookConfigFields,
} from '../../domain/webhook-config.js';
import { tidyPath } from '../../router/normalize-path.js';
import { sourceEntryOf } from '../../sources/source-catalog.js';
import { sourceVerification } from '../../sources/source-verification.js';
import { keepMaskedSecrets } from './chain-step-secrets.js';

/** Configuration fields as requested, before validation: the execution type may still be missing. */
export type WebhookConfigDraft = Omit<WebhookConfigFields, 'executionType'> & { executionType: number | undefined };

export function draftFromCreate(input: CreateWebHookConfigCommand): WebhookConfigDraft {
  const source = emptyToNull(input.source.trim());
  return withSourceVerification({
    key: input.key.trim(),
    description: input.description,
    isEnabled: input.isEnabled ?? true,
    path: tidyPath(input.path),
    action: input.action.trim().toUpperCase(),
    executionType: input.executionType,
    commandName: emptyToNull(input.commandName),
    commandChain: toChain(input.commandChain, null),
    executionCode: emptyToNull(input.executionCode),
    processDefinitionId: input.processDefinitionId === undefined ? null : Number(input.processDefinitionId),
    processAction: emptyToNull(input.processAction.trim()),
    messageName: emptyToNull(input.messageName.trim()),
    correlationKey: emptyToNull(input.correlationKey.trim()),
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
  });
}

/**
 * Applies the fields present in an update to the stored configuration. When the execution type
 * changes, the stored fields of the old type are dropped so that only the new type's field remains.
 */
export function draftFromUpdate(existing: WebhookConfig, input: UpdateWebHookConfigCommand): WebhookConfigDraft {
  const typeChanges = input.executionType !== undefined && input.executionType !== existing.executionType;
  const base: WebhookConfigDraft = typeChanges ? { ...existing, ...withoutTypeFields } : existing;
  const source = input.source === undefined ? (base.source ?? null) : emptyToNull(input.source.trim());
  return withSourceVerification({
    ...base,
    description: input.description ?? base.description,
    isEnabled: input.isEnabled ?? base.isEnabled,
    path: input.path === undefined ? base.path : tidyPath(input.path),
    action: input.action?.trim().toUpperCase() ?? base.action,
    executionType: input.executionType ?? base.executionType,
    commandName: input.commandName === undefined ? base.commandName : emptyToNull(input.commandName),
    commandChain: input.commandChain.length > 0 ? toChain(input.commandChain, existing.commandChain) : base.commandChain,
    executionCode: input.executionCode === undefined ? base.executionCode : emptyToNull(input.executionCode),
    processDefinitionId: input.processDefinitionId === undefined ? base.processDefinitionId : Number(input.processDefinitionId),
    processAction: input.processAction === undefined ? base.processAction : emptyToNull(input.processAction.trim()),
    messageName: input.messageName === undefined ? base.messageName : emptyToNull(input.messageName.trim()),
    correlationKey: input.correlationKey === undefined ? base.correlationKey : emptyToNull(input.correlationKey.trim()),
    allowableIps: input.allowableIps?.trim() ?? base.allowableIps,
    responseMode: input.responseMode?.trim() || base.responseMode,
    timeoutMs: input.timeoutMs ?? base.timeoutMs,
    maxAttempts: input.maxAttempts ?? base.maxAttempts,
    idempotencyKey: input.idempotencyKey === undefined ? base.idempotencyKey : emptyToNull(input.idempotencyKey.trim()),
    orderingKey: input.orderingKey === undefined ? base.orderingKey : emptyToNull(input.orderingKey.trim()),
    maxConcurrency: limitFromUpdate(input.maxConcurrency, base.maxConcurrency),
    maxPerSecond: limitFromUpdate(input.maxPerSecond, base.maxPerSecond),
    verification: input.verification
      ? toVerificationSettings(input.verification, base.verification, source !== null)
      : base.verification,
    source,
  });
}

/** Every type's target field and options, cleared when the type changes. */
const withoutTypeFields = Object.fromEntries(
  Object.values(executionTypes).flatMap((type) => [type.targetField, ...type.optionFields].map((field) => [field, null])),
) as Record<TargetField | OptionField, null>;

/**
 * A configuration naming a catalog source keeps only the secrets of its verification; the rest is the
 * source's, saved alongside so reads show it (the inbox still takes it from the catalog).
 */
function withSourceVerification(draft: WebhookConfigDraft): WebhookConfigDraft {
  const entry = draft.source ? sourceEntryOf(draft.source) : undefined;
  const chained = withChainFromCommandName(draft);
  if (!entry) return chained;
  return { ...chained, verification: sourceVerification(entry, draft.verification?.secrets ?? []) };
}

/** A chain may be given as `commandName: "A,B,C"`; it is stored as steps. */
function withChainFromCommandName(draft: WebhookConfigDraft): WebhookConfigDraft {
  if (draft.executionType !== ExecutionType.ExecuteCommandChain || !draft.commandName || draft.commandChain) {
    return draft;
  }
  const steps = draft.commandName
    .split(',')
    .map((name) => name.trim())
    .map((commandName) => ({ commandName, parameters: {} }));
  return { ...draft, commandName: null, commandChain: steps };
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
