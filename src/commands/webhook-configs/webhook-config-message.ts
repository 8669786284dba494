import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { WebHookConfigSchema } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import type { RefusedRequests } from '../../store/refused-requests.js';
import { maskChainSecrets } from './chain-step-secrets.js';
import { toLegacyTargetFields } from '../../domain/execution-target.js';
import { toTargetMessage } from '../../executors/execution-target-message.js';
import type { WebhookConfig } from '../../domain/webhook-config.js';
import { formatExpectedEvery } from '../../domain/expected-every.js';
import { silenceOf } from '../../domain/silence.js';

/** What a read adds to a stored configuration, each only when that read looked it up. */
export interface ConfigReadExtras {
  /** Requests refused for it (reading one configuration). */
  readonly refused?: RefusedRequests | undefined;
  /** Its events waiting to run (a paused configuration). */
  readonly waitingEvents?: number | undefined;
  /** Until when a target's Retry-After holds its delivery back (a configuration backed off now). */
  readonly backOffUntil?: Date | undefined;
  /** Its last accepted webhook (null: none) and the time of the read (a configuration with expectedEvery). */
  readonly accepted?: { readonly lastAt: Date | null; readonly now: Date } | undefined;
}

/**
 * The API form of a stored configuration. Secrets are never copied out: verification secrets only
 * as how many there are (a rotation's old ones with when each expires), chain-step secrets
 * (headers, credential-named parameters) as the mask.
 * The read-only state beside the row comes in `extras`, only from the reads that look it up.
 */
export function toWebHookConfigMessage(
  config: WebhookConfig,
  extras: ConfigReadExtras = {},
): MessageInitShape<typeof WebHookConfigSchema> {
  const { refused, waitingEvents, backOffUntil, accepted } = extras;
  return {
    id: BigInt(config.id),
    key: config.key,
    description: config.description,
    isEnabled: config.isEnabled,
    path: config.path,
    action: config.action,
    ...legacyTargetMessage(config),
    allowableIps: config.allowableIps,
    responseMode: config.responseMode,
    ...(config.maxAttempts !== null && { maxAttempts: config.maxAttempts }),
    idempotencyKey: config.idempotencyKey ?? '',
    orderingKey: config.orderingKey ?? '',
    ...(config.maxConcurrency !== null && { maxConcurrency: config.maxConcurrency }),
    ...(config.maxPerSecond !== null && { maxPerSecond: config.maxPerSecond }),
    ...(config.source && { source: config.source }),
    ...(config.expectedEverySeconds != null && expectedEveryMessage(config, config.expectedEverySeconds, accepted)),
    ...(config.verification && {
      verification: {
        scheme: config.verification.scheme,
        header: config.verification.header,
        prefix: config.verification.prefix,
        encoding: config.verification.encoding,
        ...(config.verification.toleranceSeconds !== null && {
          toleranceSeconds: config.verification.toleranceSeconds,
        }),
        secretCount: config.verification.secrets.length + config.retiringSecrets.length,
      },
    }),
    ...(config.retiringSecrets.length > 0 && {
      oldSecrets: { expiresAt: config.retiringSecrets.map((old) => timestampFromDate(old.expiresAt)) },
    }),
    version: config.version,
    authority: [...config.authority],
    createdAt: timestampFromDate(config.createdAt),
    updatedAt: timestampFromDate(config.updatedAt),
    ...(config.activatedAt && { activatedAt: timestampFromDate(config.activatedAt) }),
    ...(config.deactivatedAt && { deactivatedAt: timestampFromDate(config.deactivatedAt) }),
    ...(config.deliveryPausedAt && { deliveryPausedAt: timestampFromDate(config.deliveryPausedAt) }),
    ...(waitingEvents !== undefined && { waitingEvents: BigInt(waitingEvents) }),
    ...(backOffUntil && { deliveryBackoffUntil: timestampFromDate(backOffUntil) }),
    ...(refused && {
      refusedRequests: {
        total: BigInt(refused.total),
        notStored: BigInt(refused.notStored),
        lastAt: timestampFromDate(refused.lastAt),
      },
    }),
  };
}

/** The expectation as ISO-8601 and, when the read looked it up, the last accepted webhook and whether it is overdue. */
function expectedEveryMessage(config: WebhookConfig, seconds: number, accepted: ConfigReadExtras['accepted']) {
  return {
    expectedEvery: formatExpectedEvery(seconds),
    ...(accepted?.lastAt && { lastAcceptedAt: timestampFromDate(accepted.lastAt) }),
    ...(accepted && { silent: silenceOf(config, accepted.lastAt, accepted.now).silent }),
  };
}

/**
 * The target twice, chain-step secrets masked: in the legacy flat fields (the type's number, one
 * field per type, empty when another type's) and as the `target` oneof; and the config's time limit.
 */
function legacyTargetMessage(config: WebhookConfig) {
  const fields = toLegacyTargetFields(config.target);
  return {
    executionType: fields.executionType,
    commandName: fields.commandName ?? '',
    commandChain: maskChainSecrets(fields.commandChain ?? []).map((step) => ({
      commandName: step.commandName,
      parameters: step.parameters as never,
    })),
    executionCode: fields.executionCode ?? '',
    ...(fields.processDefinitionId !== null && { processDefinitionId: BigInt(fields.processDefinitionId) }),
    processAction: fields.processAction ?? '',
    messageName: fields.messageName ?? '',
    correlationKey: fields.correlationKey ?? '',
    ...(config.timeoutMs !== null && { timeoutMs: config.timeoutMs }),
    target: toTargetMessage(
      config.target.case === 'chain' ? { case: 'chain', steps: maskChainSecrets(config.target.steps) } : config.target,
    ),
  };
}
