import { constantTimeEqual } from '../../domain/constant-time-equal.js';
import type { VerificationSettings } from '../../domain/webhook-config.js';

/** What a verifier sees of a request: the exact bytes, the headers (lower-case names) and the time. */
export interface VerificationInput {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly settings: VerificationSettings;
  readonly now: Date;
}

/**
 * Passed (with the form of credential that passed, where a scheme accepts several), or failed with a
 * reason that goes to the event trace only, never to the caller.
 */
export type VerificationOutcome = { readonly ok: true; readonly form?: string } | { readonly ok: false; readonly reason: string };

/** One verification scheme. */
export type Verifier = (input: VerificationInput) => VerificationOutcome;

/** What a signer is given: the bytes to send, the settings with the secret to sign with first, the time and an id for schemes that sign one. */
export interface SigningInput {
  readonly rawBody: Buffer;
  readonly settings: VerificationSettings;
  readonly now: Date;
  /** A message id, for the schemes whose signature covers one (Standard Webhooks, Svix). */
  readonly messageId: string;
}

/** A scheme's counterpart to its verifier: the headers (lower-case names) a sender adds so that its verifier passes. */
export type Signer = (input: SigningInput) => Record<string, string>;

export const passed: VerificationOutcome = { ok: true };
export const failed = (reason: string): VerificationOutcome => ({ ok: false, reason });

/** True when `candidate` equals any of `expected`; every comparison runs, so timing does not tell which. */
export function matchesAny(candidate: string | Buffer, expected: readonly (string | Buffer)[]): boolean {
  return expected.map((value) => constantTimeEqual(candidate, value)).includes(true);
}

export const defaultToleranceSeconds = 300;

/** Checks a signed Unix timestamp (seconds) against the clock, in both directions. */
export function timestampProblem(timestamp: string | undefined, settings: VerificationSettings, now: Date): string | undefined {
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'missing or malformed timestamp';
  const tolerance = settings.toleranceSeconds ?? defaultToleranceSeconds;
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  return skew > tolerance ? `timestamp is ${Math.round(skew)} s away from now (tolerance ${tolerance} s)` : undefined;
}
