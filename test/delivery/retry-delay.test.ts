import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../src/delivery/retry-delay.js';

describe('retryDelayMs', () => {
  const policy = { retryBaseMs: 1_000, retryMaxMs: 60_000 };

  it('doubles per attempt between half and all of the ceiling, and stops at the maximum', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1_000, 2_000, 4_000]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(retryDelayMs(30, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(100, policy, () => 0.5)).toBe(45_000);
  });
});
