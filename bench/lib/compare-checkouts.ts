import type { Row } from './report.js';

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const fixed = (values: readonly (number | undefined)[], digits: number) =>
  values.map((value) => (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits))).join(', ');

/**
 * The runs of every checkout (rows named `<scenario> @<label>`) beside the `base` checkout's of the
 * same round and connection level: requests or events/s and service CPU per request or event round by
 * round, and each round's ratio to the base with their median. The n-th row of a checkout belongs to
 * round n.
 */
export function compareCheckouts(rows: readonly Row[], base: string): string {
  const byScenario = new Map<string, Map<string, Row[]>>();
  for (const row of rows) {
    const match = /^(.*) @(\S+)$/.exec(row.scenario);
    if (!match) continue;
    const scenario = `${row.engine} ${match[1]}${row.connections === null ? '' : ` ${row.connections} conns`}`;
    const byLabel = byScenario.get(scenario) ?? new Map<string, Row[]>();
    byLabel.set(match[2]!, [...(byLabel.get(match[2]!) ?? []), row]);
    byScenario.set(scenario, byLabel);
  }
  const lines = [
    `| scenario | checkout | per second by round | CPU µs each by round | per second ÷ ${base} | CPU ÷ ${base} |`,
    '|---|---|---|---|---|---|',
  ];
  for (const [scenario, byLabel] of byScenario) {
    const baseRows = byLabel.get(base) ?? [];
    for (const [label, own] of byLabel) {
      const ratios = (pick: (row: Row) => number | undefined) =>
        own.map((row, round) => {
          const mine = pick(row);
          const theirs = baseRows[round] && pick(baseRows[round]);
          return mine !== undefined && theirs ? mine / theirs : undefined;
        });
      const speed = ratios((row) => row.rps);
      const cpu = ratios((row) => row.targetCpuUs);
      const summary = (values: (number | undefined)[]) => {
        const known = values.filter((value): value is number => value !== undefined && !Number.isNaN(value));
        return known.length ? `${fixed(values, 2)} (median ${median(known).toFixed(2)})` : '';
      };
      lines.push(
        `| ${scenario} | ${label} | ${fixed(
          own.map((row) => row.rps),
          0,
        )} | ${fixed(
          own.map((row) => row.targetCpuUs),
          0,
        )} | ${label === base ? '' : summary(speed)} | ${label === base ? '' : summary(cpu)} |`,
      );
    }
  }
  return lines.join('\n');
}
