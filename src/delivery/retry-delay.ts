/** The backoff policy of failed async events. */
export interface RetryPolicy {
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/**
 * How long to wait after failed attempt number `attempt` (1-based): exponential, capped, with "equal
 * jitter" (half fixed, half random), so retries of many events spread out but never come too soon.
 */
export function retryDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.min(attempt - 1, 40));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
