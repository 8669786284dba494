import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  RotateWebHookSecretCommandSchema,
  RotateWebHookSecretResponseSchema,
} from '../../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import type { RetiringSecret, WebhookConfig } from '../../domain/webhook-config.js';
import { failedPrecondition, invalidArgument, notFound } from '../../errors.js';
import { rotatedSecretProblems, secretForms } from '../../router/verification/secret-forms.js';
import { type VerificationScheme, verifiers } from '../../router/verification/verifiers.js';
import { sourceEntryOf } from '../../sources/source-catalog.js';
import { findWebhookConfigById } from '../../store/webhook-configs.js';
import { lockWebhookConfig, readDatabaseNow, replaceWebhookSecrets } from '../../store/webhook-secrets.js';
import { defineCommand } from '../command.js';
import { isStoredId } from './stored-config.js';
import { webhookConfigAudit } from './webhook-config-audit.js';
import { toWebHookConfigMessage } from './webhook-config-message.js';

const failure = 'Rotation failed';

/** How long the old secrets stay accepted when the command does not say: a day for the sender to switch. */
export const defaultOldSecretsSeconds = 86_400;
/** The longest overlap: a rotation that keeps the old secret longer is hardly one. */
export const maxOldSecretsSeconds = 30 * 86_400;
/** Every HMAC scheme computes one signature per secret: a bound on what a request costs. */
export const maxAcceptedSecrets = 10;

/**
 * Adds a verification secret without a gap: the new one (given, or generated and answered once) is
 * accepted at once; the ones it replaces stay accepted until `expiresInSeconds` from now on the
 * database's clock (24 h by default; 0 drops them now). Expired ones are no longer read, and are
 * removed from storage by the next rotation (which rewrites the list) and by the retention job.
 */
export const rotateWebHookSecret = defineCommand({
  name: RotateWebHookSecretCommandSchema.name,
  input: RotateWebHookSecretCommandSchema,
  output: RotateWebHookSecretResponseSchema,
  permission: 'webhooks:write',
  successMessage: 'Webhook secret rotated successfully',
  runnableFromWebhook: false,
  description: "Adds a configuration's new verification secret; the old ones stay valid until an expiry (24 h by default)",
  audit: { ...webhookConfigAudit, entityId: (input) => input.id },
  async handle(input, ctx) {
    const expiresInSeconds = input.expiresInSeconds ?? defaultOldSecretsSeconds;
    // The row lock first: two rotations at once never write over each other's new secret.
    const id = isStoredId(input.id) ? Number(input.id) : 0;
    const existing = id > 0 && (await lockWebhookConfig(ctx.db, id)) ? await findWebhookConfigById(ctx.db, id) : undefined;
    if (!existing) throw notFound(failure, ['Configuration not found']);
    const scheme = schemeOf(existing);
    if (!scheme || !existing.verification)
      throw failedPrecondition(failure, ['Configuration verifies no secret: there is none to rotate']);

    const generated = input.secret === '';
    const secret = generated ? secretForms[scheme].generate(existing.verification.secrets) : input.secret;
    const problems = [
      ...(Number.isInteger(expiresInSeconds) && expiresInSeconds >= 0 && expiresInSeconds <= maxOldSecretsSeconds
        ? []
        : [`Expires in seconds must be between 0 and ${maxOldSecretsSeconds}`]),
      ...(generated ? [] : rotatedSecretProblems(scheme, secret)),
    ];
    if (problems.length > 0) throw invalidArgument('Validation failed', problems);
    if ([...existing.verification.secrets, ...existing.retiringSecrets.map((old) => old.secret)].includes(secret)) {
      throw invalidArgument('Validation failed', ['Secret must differ from the secrets it replaces']);
    }

    const databaseNow = await readDatabaseNow(ctx.db);
    const expiresAt = new Date(databaseNow.getTime() + expiresInSeconds * 1000);
    const retiring = expiresInSeconds === 0 ? [] : oldSecrets(existing, expiresAt);
    if (retiring.length + 1 > maxAcceptedSecrets) {
      throw failedPrecondition(failure, [
        `A configuration accepts at most ${maxAcceptedSecrets} secrets at once: rotate with expiresInSeconds 0, or once old ones expire`,
      ]);
    }
    await replaceWebhookSecrets(
      ctx.db,
      existing.id,
      { verification: { ...existing.verification, secrets: [secret] }, retiring },
      ctx.clock(),
    );
    const rotated = await findWebhookConfigById(ctx.db, existing.id);
    if (!rotated) throw notFound(failure, ['Configuration not found']);
    return {
      data: {
        config: toWebHookConfigMessage(rotated),
        ...(generated && { secret }),
        ...(retiring.length > 0 && { oldSecretsExpireAt: timestampFromDate(expiresAt) }),
      },
    };
  },
});

/** The scheme the configuration's secrets are for: its source's, or its own; undefined when it verifies nothing. */
function schemeOf(config: WebhookConfig): VerificationScheme | undefined {
  const scheme = config.source ? sourceEntryOf(config.source)?.verification?.scheme : config.verification?.scheme;
  return scheme !== undefined && Object.hasOwn(verifiers, scheme) ? (scheme as VerificationScheme) : undefined;
}

/** The current secrets expire at `expiresAt`; an old one already expiring sooner keeps its time. */
function oldSecrets(config: WebhookConfig, expiresAt: Date): RetiringSecret[] {
  const retiring = new Map<string, Date>();
  for (const old of config.retiringSecrets) retiring.set(old.secret, old.expiresAt < expiresAt ? old.expiresAt : expiresAt);
  for (const secret of config.verification?.secrets ?? []) if (!retiring.has(secret)) retiring.set(secret, expiresAt);
  return [...retiring]
    .map(([secret, at]) => ({ secret, expiresAt: at }))
    .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime());
}
