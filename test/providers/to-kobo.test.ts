import { describe, expect, it } from 'vitest';
import { koboOf, nairaToKobo } from '../../src/providers/to-kobo.js';

describe('amounts in kobo', () => {
  it('reads naira given as numbers or strings, digit by digit, rounding half up at the third decimal', () => {
    expect(nairaToKobo('5000.00')).toBe(500_000);
    expect(nairaToKobo('5,000.5')).toBe(500_050);
    expect(nairaToKobo(12500.5)).toBe(1_250_050);
    expect(nairaToKobo('0.29')).toBe(29);
    expect(nairaToKobo(0.29)).toBe(29);
    expect(nairaToKobo('1.005')).toBe(101);
    expect(nairaToKobo(30000)).toBe(3_000_000);
  });

  it('refuses what is not a non-negative amount', () => {
    for (const value of ['-5', 'NGN 5', '', '1e3', null, Number.NaN, {}]) expect(nairaToKobo(value)).toBeUndefined();
  });

  it('keeps Mono amounts, already in kobo, only when they are whole', () => {
    expect(koboOf(2_500_000)).toBe(2_500_000);
    expect(koboOf('150000')).toBe(150_000);
    expect(koboOf(12.5)).toBeUndefined();
    expect(koboOf(-1)).toBeUndefined();
  });
});
