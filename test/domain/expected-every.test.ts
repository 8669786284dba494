import { describe, expect, it } from 'vitest';
import { formatExpectedEvery, isExpectedEveryWithin, parseExpectedEvery } from '../../src/domain/expected-every.js';

describe('expectedEvery', () => {
  it('reads ISO-8601 durations of weeks, days, hours, minutes and seconds, and whole seconds', () => {
    expect(parseExpectedEvery('PT15M')).toBe(900);
    expect(parseExpectedEvery(' pt1h30m ')).toBe(5_400);
    expect(parseExpectedEvery('P1DT2H3M4S')).toBe(93_784);
    expect(parseExpectedEvery('P2W')).toBe(1_209_600);
    expect(parseExpectedEvery('900')).toBe(900);
  });

  it('refuses months, years, fractions, signs and empty durations', () => {
    for (const text of ['P1M', 'P1Y', 'PT1.5M', '-900', 'P', 'PT', 'PT15', '15m', '', '9.5']) {
      expect(parseExpectedEvery(text), text).toBeUndefined();
    }
  });

  it('answers in the shortest ISO-8601 form, which reads back to the same seconds', () => {
    for (const [seconds, text] of [
      [60, 'PT1M'],
      [900, 'PT15M'],
      [5_400, 'PT1H30M'],
      [86_400, 'P1D'],
      [90_061, 'P1DT1H1M1S'],
    ] as const) {
      expect(formatExpectedEvery(seconds)).toBe(text);
      expect(parseExpectedEvery(text)).toBe(seconds);
    }
  });

  it('is at least a minute and at most 366 days', () => {
    expect(isExpectedEveryWithin(59)).toBe(false);
    expect(isExpectedEveryWithin(60)).toBe(true);
    expect(isExpectedEveryWithin(366 * 86_400)).toBe(true);
    expect(isExpectedEveryWithin(366 * 86_400 + 1)).toBe(false);
    expect(isExpectedEveryWithin(Number.NaN)).toBe(false);
  });
});
