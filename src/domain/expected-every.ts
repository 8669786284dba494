/** The shortest expectation: /metrics is scraped about every 15 to 60 s, so less could never be told apart. */
export const minExpectedEverySeconds = 60;
/** The longest: a year; a source quiet for longer is not watched by a silence alert. */
export const maxExpectedEverySeconds = 366 * 86_400;

const isoDuration = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * `expectedEvery` in seconds: an ISO-8601 duration of weeks, days, hours, minutes and seconds
 * (`PT15M`, `PT1H30M`, `P1D`), or whole seconds (`900`). Years and months are refused: their length
 * varies, and a silence alert needs a fixed one. Undefined when the text is neither.
 */
export function parseExpectedEvery(text: string): number | undefined {
  const trimmed = text.trim().toUpperCase();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  const match = isoDuration.exec(trimmed);
  if (!match || trimmed === 'P' || trimmed.endsWith('T')) return undefined;
  const [weeks, days, hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0)) as number[];
  return (((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * 60 + seconds!;
}

/** Seconds in the shortest ISO-8601 form with days, hours, minutes and seconds: 900 → `PT15M`, 90000 → `P1DT1H`. */
export function formatExpectedEvery(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}` || 'PT0S';
}

/** Whether seconds are a whole number within the bounds (a text that did not parse gives NaN, which is not). */
export function isExpectedEveryWithin(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= minExpectedEverySeconds && seconds <= maxExpectedEverySeconds;
}

export const expectedEveryRule = `Expected every must be an ISO-8601 duration such as PT15M (weeks, days, hours, minutes, seconds) or whole seconds, from ${minExpectedEverySeconds} seconds to ${maxExpectedEverySeconds / 86_400} days`;
