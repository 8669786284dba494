import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import type { LoadResult } from './http-load.js';

/** One line of the bench's table. */
export interface Row extends LoadResult {
  readonly engine: 'postgres' | 'pglite' | '-';
  readonly scenario: string;
  readonly connections: number | null;
  readonly rssMiB: number | null;
  readonly vsBareHttp: number | null;
  readonly vsBareInsert: number | null;
  readonly note?: string;
}

const number = (n: number | null, digits = 0) =>
  n === null || Number.isNaN(n)
    ? ''
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (n: number | null) => (n === null ? '' : `${n.toFixed(2)}x`);

/** The table as Markdown: printed by the bench and copied into BENCHMARKS.md, never typed by hand. */
export function markdownTable(rows: readonly Row[]): string {
  const header =
    '| engine | scenario | conns | req/s | p50 ms | p99 ms | max ms | errors | RSS MiB | CPU µs/req | PG CPU µs/req | vs bare http | vs bare+INSERT | note |';
  const rule = '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|';
  const lines = rows.map((r) =>
    [
      r.engine,
      r.scenario,
      r.connections ?? '',
      number(r.rps),
      number(r.p50),
      number(r.p99),
      number(r.max),
      number(r.errors),
      number(r.rssMiB),
      number(r.targetCpuUs ?? null),
      number(r.databaseCpuUs ?? null),
      ratio(r.vsBareHttp),
      ratio(r.vsBareInsert),
      r.note ?? '',
    ].join(' | '),
  );
  return [header, rule, ...lines.map((line) => `| ${line} |`)].join('\n');
}

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
}

/** Writes bench/results/<date>.json and replaces the table between the markers in BENCHMARKS.md. */
export async function saveResults(rows: readonly Row[], settings: object): Promise<string> {
  const at = new Date().toISOString();
  const folder = new URL('../results/', import.meta.url);
  await mkdir(folder, { recursive: true });
  const file = new URL(`${at.replace(/[:.]/g, '-')}.json`, folder);
  await writeFile(file, `${JSON.stringify({ at, machine: machineLine(), settings, rows }, null, 2)}\n`);
  const benchmarks = new URL('../../BENCHMARKS.md', import.meta.url);
  const text = await readFile(benchmarks, 'utf8').catch(() => '');
  const start = '<!-- bench:table:start -->';
  const end = '<!-- bench:table:end -->';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) {
    const table = `${start}\nMeasured ${at.slice(0, 16).replace('T', ' ')} UTC on ${machineLine()}; settings ${JSON.stringify(settings)}.\n\n${markdownTable(rows)}\n`;
    await writeFile(benchmarks, text.slice(0, from) + table + text.slice(to));
  }
  return file.pathname;
}
