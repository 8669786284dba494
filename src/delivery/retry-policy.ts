import type { AttemptFinish } from '../store/webhook-event-attempts.js';
import type { EventSettlement } from '../store/webhook-events.js';

/** The backoff policy of failed async events. */
export interface RetryPolicy {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/**
 * An event may be given this many attempts in all, counting those deferred by Retry-After: past it,
 * a 429 or 503 counts as a failed attempt like any other, so a target that always asks for more
 * time cannot keep an event alive for ever.
 */
export const maxAttemptsWithDeferrals = 200;

/**
 * How long to wait after failed attempt number `attempt` (1-based): exponential, capped, with "equal
 * jitter" (half fixed, half random), so retries of many events spread out but never come too soon.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** What the retry policy needs to know of one finished attempt. */
export interface FinishedAttempt {
  readonly mode: 'sync' | 'async';
  /** The event's attempt number (1-based) and how many it may have. */
  readonly attempt: number;
  readonly maxAttempts: number;
  /** False when the event's configuration no longer exists (or none is enabled for its key). */
  readonly configured: boolean;
  /** Null when it succeeded. */
  readonly errors: readonly string[] | null;
  /** A failure's target answered 429 or 503 with Retry-After: wait this long. */
  readonly retryAfterMs?: number | undefined;
}

/** The attempt's recorded outcome and what becomes of its event (without a success's result). */
export type AttemptVerdict =
  | { readonly outcome: 'succeeded' }
  | { readonly outcome: AttemptFinish['outcome']; readonly settlement: Exclude<EventSettlement, { status: 'succeeded' }> };

/**
 * The retry policy, a pure function: a sync failure is final (its caller has the error); an async
 * one is deferred when its target asked for time (the deferred attempt does not count against
 * maxAttempts, up to maxAttemptsWithDeferrals in all), dead when its attempts ran out or its
 * configuration is gone, else queued again after retryDelayMs.
 */
export function judgeAttempt(attempt: FinishedAttempt, now: Date, policy: RetryPolicy, random: () => number): AttemptVerdict {
  const { errors } = attempt;
  if (!errors) return { outcome: 'succeeded' };
  if (attempt.mode === 'sync') return { outcome: 'failed', settlement: { status: 'failed', errors, at: now } };
  const deferMs = deferral(attempt);
  if (deferMs !== undefined)
    return { outcome: 'deferred', settlement: { status: 'queued', errors, retryAt: new Date(now.getTime() + deferMs) } };
  if (attempt.attempt >= attempt.maxAttempts || !attempt.configured)
    return { outcome: 'failed', settlement: { status: 'dead', errors, at: now } };
  const retryAt = new Date(now.getTime() + retryDelayMs(attempt.attempt, policy, random));
  return { outcome: 'failed', settlement: { status: 'queued', errors, retryAt } };
}

/** How long a failed async attempt is deferred instead of counted, if its target asked for time. */
function deferral(attempt: FinishedAttempt): number | undefined {
  if (attempt.retryAfterMs === undefined || !attempt.configured) return undefined;
  return attempt.maxAttempts < maxAttemptsWithDeferrals ? attempt.retryAfterMs : undefined;
}
