import type { VerificationSettings, WebhookConfigFields } from '../domain/webhook-config.js';
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
 */
export function verificationOf(config: Pick<WebhookConfigFields, 'source' | 'verification'>): VerificationSettings | null {
  if (!config.source) return config.verification;
  const entry = sourceEntryOf(config.source);
  if (!entry) return { ...unknownSource, scheme: `source:${config.source}` };
  return sourceVerification(entry, config.verification?.secrets ?? []);
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
