import type { VerificationSettings } from '../domain/webhook-config.js';
import type { SourceEntry } from './source-entry.js';

/** A source's verification with the configured secrets; null when the source signs nothing. */
export function sourceVerification(entry: SourceEntry, secrets: readonly string[]): VerificationSettings | null {
  const verification = entry.verification;
  if (!verification) return null;
  return {
    scheme: verification.scheme,
    secrets,
    header: verification.header,
    prefix: verification.prefix,
    encoding: verification.encoding,
    toleranceSeconds: verification.toleranceSeconds,
  };
}
