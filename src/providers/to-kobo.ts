/**
 * An amount in naira (a number, or a string such as "5,000.50") in kobo, rounded half up at the
 * third decimal; undefined when it is not a non-negative amount. Strings are read digit by digit,
 * so "0.29" is 29 kobo and not 28.999….
 */
export function nairaToKobo(value: unknown): number | undefined {
  const text =
    typeof value === 'number' ? (Number.isFinite(value) ? value.toFixed(3) : '') : typeof value === 'string' ? value : '';
  const match = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(text.replaceAll(',', ''));
  if (!match) return undefined;
  const decimals = `${match[2] ?? ''}000`;
  const kobo = Number(match[1]) * 100 + Number(decimals.slice(0, 2)) + (Number(decimals[2]) >= 5 ? 1 : 0);
  return Number.isSafeInteger(kobo) ? kobo : undefined;
}

/** An amount already in kobo (Mono's): an integer number or integer string; undefined otherwise. */
export function koboOf(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}
