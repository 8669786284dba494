/**
 * `npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> [requests]`: the busy self time of a
 * `--cpu-prof` profile (see BENCH_CPU_PROF) by package, and in the buckets tracing touches (the
 * context's async_hooks, the OpenTelemetry SDK, the OTLP export, src/tracing/); with the number of
 * requests the profile served, per request too.
 */
import { readFileSync } from 'node:fs';

interface CpuProfile {
  readonly nodes: { id: number; callFrame: { functionName: string; url: string } }[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

const [file, requestsArgument] = process.argv.slice(2);
if (!file) throw new Error('usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> [requests]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));

/** The package (or node: module, or src/ folder) a frame's code belongs to. */
function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g);
  if (modules) return modules[modules.length - 1]!.replace('node_modules/', '');
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return /\/(src|gen|bench)\/([^/]+)/.exec(url)?.slice(1, 3).join('/') ?? url;
}

function bucketOf(url: string, functionName: string): string | undefined {
  if (functionName === '(garbage collector)') return 'gc';
  if (/async_hooks/.test(url)) return 'context (async_hooks)';
  if (/otlp-|exporter-trace|node:internal\/encoding/.test(url)) return 'export (OTLP)';
  if (/@opentelemetry/.test(url)) return 'sdk (spans)';
  if (/\/src\/tracing\//.test(url)) return 'ours (src/tracing)';
  return undefined;
}

const byPackage = new Map<string, number>();
const byBucket = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, index) => {
  const frame = frames.get(id)!;
  if (frame.functionName === '(idle)') return;
  const micros = profile.timeDeltas[index] ?? 0;
  busy += micros;
  const name = packageOf(frame.url, frame.functionName);
  byPackage.set(name, (byPackage.get(name) ?? 0) + micros);
  const bucket = bucketOf(frame.url, frame.functionName);
  if (bucket) byBucket.set(bucket, (byBucket.get(bucket) ?? 0) + micros);
});

const requests = requestsArgument ? Number(requestsArgument) : undefined;
const line = (name: string, micros: number) =>
  `${((100 * micros) / busy).toFixed(1).padStart(5)}% ${(micros / 1000).toFixed(0).padStart(7)} ms${
    requests ? ` ${(micros / requests).toFixed(1).padStart(8)} µs/req` : ''
  }  ${name}`;
console.log(`busy ${(busy / 1e6).toFixed(2)} s`);
console.log('-- tracing buckets');
for (const [name, micros] of byBucket) console.log(line(name, micros));
console.log('-- packages');
for (const [name, micros] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(line(name, micros));
