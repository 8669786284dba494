import { describe, expect, it } from 'vitest';
import { type FinishedAttempt, judgeAttempt, maxAttemptsWithDeferrals, retryDelayMs } from '../../src/delivery/retry-policy.js';

const policy = { retryBaseMs: 1_000, retryMaxMs: 60_000 };
const now = new Date('2026-12-07T10:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('retryDelayMs', () => {
  it('doubles per attempt between half and all of the ceiling, and stops at the maximum', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(30, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(100, policy, () => 0.5)).toBe(45_000);
  });
});

describe('judgeAttempt, the retry policy', () => {
  const failed = ['Core banking refused the posting'];
  const base: FinishedAttempt = { mode: 'async', attempt: 1, maxAttempts: 3, configured: true, errors: failed };
  const cases: [string, Partial<FinishedAttempt>, ReturnType<typeof judgeAttempt>][] = [
    ['a success settles as succeeded', { errors: null }, { outcome: 'succeeded' }],
    ['a success with a stray Retry-After is still a success', { errors: null, retryAfterMs: 5_000 }, { outcome: 'succeeded' }],
    [
      'a sync failure is final: its caller has the error',
      { mode: 'sync' },
      { outcome: 'failed', settlement: { status: 'failed', errors: failed, at: now } },
    ],
    [
      'a sync failure with Retry-After is final too',
      { mode: 'sync', retryAfterMs: 5_000 },
      { outcome: 'failed', settlement: { status: 'failed', errors: failed, at: now } },
    ],
    [
      'an async failure with attempts left is queued after the backoff (random 0: half the ceiling)',
      { attempt: 2 },
      { outcome: 'failed', settlement: { status: 'queued', errors: failed, retryAt: later(1_000) } },
    ],
    [
      'the last attempt goes dead',
      { attempt: 3 },
      { outcome: 'failed', settlement: { status: 'dead', errors: failed, at: now } },
    ],
    [
      'an attempt beyond the last (a cut-off one counted) goes dead',
      { attempt: 4 },
      { outcome: 'failed', settlement: { status: 'dead', errors: failed, at: now } },
    ],
    [
      'an event whose configuration is gone goes dead at once',
      { configured: false },
      { outcome: 'failed', settlement: { status: 'dead', errors: failed, at: now } },
    ],
    [
      'a Retry-After defers the attempt, even the last one: it does not count',
      { attempt: 3, retryAfterMs: 7_000 },
      { outcome: 'deferred', settlement: { status: 'queued', errors: failed, retryAt: later(7_000) } },
    ],
    [
      'a Retry-After without a configuration does not defer',
      { configured: false, retryAfterMs: 7_000 },
      { outcome: 'failed', settlement: { status: 'dead', errors: failed, at: now } },
    ],
    [
      `past ${maxAttemptsWithDeferrals} attempts in all, a Retry-After counts as a failure`,
      { attempt: maxAttemptsWithDeferrals, maxAttempts: maxAttemptsWithDeferrals, retryAfterMs: 7_000 },
      { outcome: 'failed', settlement: { status: 'dead', errors: failed, at: now } },
    ],
  ];

  it.each(cases)('%s', (_title, attempt, verdict) => {
    expect(judgeAttempt({ ...base, ...attempt }, now, policy, () => 0)).toEqual(verdict);
  });
});
