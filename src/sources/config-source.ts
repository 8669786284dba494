import type { VerificationSettings, WebhookConfig, WebhookConfigFields } from '../domain/webhook-config.js';
import type { SourceEntry } from './source-entry.js';
import { sourceEntryOf } from './source-catalog.js';
import { sourceVerification } from './source-verification.js';

/** The catalog entry a configuration names, or undefined (none, or a name the catalog no longer has). */
export function sourceOf(config: Pick<WebhookConfigFields, 'source'>): SourceEntry | undefined {
  return config.source ? sourceEntryOf(config.source) : undefined;
}

/**
 * The verification a request to a configuration is checked with: its source's, with the configured
 * secrets, so the catalog (not a copy saved with the configuration) decides the scheme; otherwise
 * as configured. A named source the catalog does not know fails closed with an unknown scheme.
 * The secrets are the current ones and a rotation's old ones not expired at `databaseNow`.
 */
export function verificationOf(
  config: Pick<WebhookConfig, 'source' | 'verification' | 'retiringSecrets'>,
  databaseNow: Date,
): VerificationSettings | null {
  const secrets = acceptedSecrets(config, databaseNow);
  if (!config.source) {
    return config.verification === null || config.retiringSecrets.length === 0
      ? config.verification
      : { ...config.verification, secrets };
  }
  const entry = sourceEntryOf(config.source);
  if (!entry) return { ...unknownSource, scheme: `source:${config.source}` };
  return sourceVerification(entry, secrets);
}

/** The current secrets, then the old ones a rotation keeps until their expiry (database clock). */
function acceptedSecrets(config: Pick<WebhookConfig, 'verification' | 'retiringSecrets'>, databaseNow: Date): readonly string[] {
  const current = config.verification?.secrets ?? [];
  if (config.retiringSecrets.length === 0) return current;
  const retiring = config.retiringSecrets.filter((old) => old.expiresAt > databaseNow).map((old) => old.secret);
  return [...current, ...retiring];
}

const unknownSource: VerificationSettings = {
  scheme: '',
  secrets: [],
  header: '',
  prefix: '',
  encoding: '',
  toleranceSeconds: null,
};

/** The caller allow-list: the configuration's own when set (the operator's override), else its source's documented addresses. */
export function allowableIpsOf(config: Pick<WebhookConfigFields, 'source' | 'allowableIps'>): string {
  return config.allowableIps || (sourceOf(config)?.callerIps ?? '');
}
