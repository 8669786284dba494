/** How long a configuration has gone without an accepted webhook, and whether that is longer than it expects. */
export interface Silence {
  readonly secondsSinceLastAccepted: number;
  /** Only an enabled configuration that declares `expectedEverySeconds` can be silent. */
  readonly silent: boolean;
}

/**
 * Counted from the last accepted webhook, or from the configuration's creation when it has accepted
 * none (a new configuration that never hears from its source falls silent too). A disabled
 * configuration answers 404 to its source, so its silence is expected and never flagged.
 */
export function silenceOf(
  config: { readonly isEnabled: boolean; readonly createdAt: Date; readonly expectedEverySeconds?: number | null | undefined },
  lastAcceptedAt: Date | null,
  now: Date,
): Silence {
  const since = lastAcceptedAt ?? config.createdAt;
  const secondsSinceLastAccepted = Math.max(0, (now.getTime() - since.getTime()) / 1_000);
  const expected = config.expectedEverySeconds ?? null;
  return { secondsSinceLastAccepted, silent: config.isEnabled && expected !== null && secondsSinceLastAccepted > expected };
}
