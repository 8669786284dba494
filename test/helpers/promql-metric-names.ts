/**
 * The metric names a PromQL expression selects. Not a parser: PromQL names a metric only as a bare
 * identifier that is not a function (followed by `(`), an operator keyword, or inside something that
 * holds other identifiers. So those things are removed first, in this order: string literals (they may
 * hold braces), label matchers `{...}` (label names), ranges and subqueries `[...]` (durations),
 * grouping lists `by (...)`, `without (...)`, `on (...)`, `ignoring (...)`, `group_left/right (...)`
 * (label names), `offset <duration>`, and numbers (so `1e3` leaves no `e3`). What is left that looks
 * like an identifier is a metric name. Grafana's `$variables` go with the braces and brackets they sit in.
 */
export function promqlMetricNames(expression: string): string[] {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ')
    .replace(/\boffset\s+-?[\w.]+/gi, ' ')
    .replace(/(?<![\w:])(?:0x[\da-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)/gi, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const rest = bare.slice(match.index + match[0].length).trimStart();
    if (rest.startsWith('(') || operatorWords.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

const operatorWords = new Set(['and', 'or', 'unless', 'bool', 'inf', 'nan']);
