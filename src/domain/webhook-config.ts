import type { ExecutionTarget } from './execution-target.js';

export const httpMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

export const responseModes = ['sync', 'async'] as const;

/** A signature scheme and its secrets, as stored. Secrets never leave the service. */
export interface VerificationSettings {
  readonly scheme: string;
  readonly secrets: readonly string[];
  readonly header: string;
  readonly prefix: string;
  readonly encoding: string;
  readonly toleranceSeconds: number | null;
}

/** What an operator sets on a configuration. */
export interface WebhookConfigFields {
  readonly key: string;
  readonly description: string;
  readonly isEnabled: boolean;
  readonly path: string;
  readonly action: string;
  /** What it runs: one kind of work and exactly that kind's fields. */
  readonly target: ExecutionTarget;
  readonly allowableIps: string;
  readonly responseMode: string;
  readonly timeoutMs: number | null;
  readonly maxAttempts: number | null;
  readonly idempotencyKey: string | null;
  /** `header:<name>` or `body:<json-pointer>`: events with the same key run one at a time, in order. */
  readonly orderingKey: string | null;
  /** At most this many of its events run at once, across every process; null: no limit. */
  readonly maxConcurrency: number | null;
  /** At most this many of its events start per second, across every process; null: no limit. */
  readonly maxPerSecond: number | null;
  readonly verification: VerificationSettings | null;
  /**
   * A source catalog entry (src/sources/source-catalog.ts) whose verification, dedup key, event type
   * and caller allow-list apply; `verification` then holds only its secrets. Null or absent: none.
   */
  readonly source?: string | null;
}

/** A stored configuration. */
export interface WebhookConfig extends WebhookConfigFields {
  readonly id: number;
  readonly normalizedPath: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly activatedAt: Date | null;
  readonly deactivatedAt: Date | null;
  /**
   * The permissions its commands run with: those of the token that last created or updated it
   * (`webhooks:write`, `processes:write`, ...). A command needing another is refused at run time.
   */
  readonly authority: readonly string[];
  /** When its delivery was paused: its events are accepted and stored but none runs. Null while it runs. */
  readonly deliveryPausedAt: Date | null;
}
