import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { MessageInitShape } from '@bufbuild/protobuf';
import type { WebHookConfigSchema } from '../../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import type { RefusedRequests } from '../../store/refused-requests.js';
import { maskChainSecrets } from './chain-step-secrets.js';
import { executionTargetFields, type WebhookConfig } from '../../domain/webhook-config.js';

/** What a read adds to a stored configuration, each only when that read looked it up. */
export interface ConfigReadExtras {
  /** Requests refused for it (reading one configuration). */
  readonly refused?: RefusedRequests | undefined;
  /** Its events waiting to run (a paused configuration). */
  readonly waitingEvents?: number | undefined;
  /** Until when a target's Retry-After holds its delivery back (a configuration backed off now). */
  readonly backOffUntil?: Date | undefined;
}

/**
 * The API form of a stored configuration. Secrets are never copied out: verification secrets only
 * as how many there are, chain-step secrets (headers, credential-named parameters) as the mask.
 * The read-only state beside the row comes in `extras`, only from the reads that look it up.
 */
export function toWebHookConfigMessage(
  config: WebhookConfig,
  extras: ConfigReadExtras = {},
): MessageInitShape<typeof WebHookConfigSchema> {
  const { refused, waitingEvents, backOffUntil } = extras;
  return {
    id: BigInt(config.id),
    key: config.key,
    description: config.description,
    isEnabled: config.isEnabled,
    path: config.path,
    action: config.action,
    ...executionTargetFields(config),
    commandChain: maskChainSecrets(config.commandChain ?? []).map((step) => ({
      commandName: step.commandName,
      parameters: step.parameters as never,
    })),
    allowableIps: config.allowableIps,
    responseMode: config.responseMode,
    ...(config.maxAttempts !== null && { maxAttempts: config.maxAttempts }),
    idempotencyKey: config.idempotencyKey ?? '',
    orderingKey: config.orderingKey ?? '',
    ...(config.maxConcurrency !== null && { maxConcurrency: config.maxConcurrency }),
    ...(config.maxPerSecond !== null && { maxPerSecond: config.maxPerSecond }),
    ...(config.verification && {
      verification: {
        scheme: config.verification.scheme,
        header: config.verification.header,
        prefix: config.verification.prefix,
        encoding: config.verification.encoding,
        ...(config.verification.toleranceSeconds !== null && {
          toleranceSeconds: config.verification.toleranceSeconds,
        }),
        secretCount: config.verification.secrets.length,
      },
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
