// Idle memory of the built service on PGlite (BENCHMARKS.md, "Idle memory"): starts dist/src/main.js
// on a new data folder, then again on the same folder (a restart), each time warms it up (readiness,
// metrics, the console's assets, a webhook), lets it idle, then prints the resident set of the service
// and of its script hosts, and what /metrics says the service's own heap and its ArrayBuffers
// (PGlite's WebAssembly memory) hold.
// Usage: npm run build && node scripts/idle-rss.mjs [idle seconds, default 20]
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';

const idleSeconds = Number(process.argv[2] ?? 20);
const dataDir = mkdtempSync(join(tmpdir(), 'idle-rss-'));
const env = {
  ...process.env,
  PORT: '0',
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  ...extraEnv(),
};
console.log(`Node ${process.version}, ${idleSeconds} s idle after warm-up`);
await measure('first start (new data folder)');
await measure('restart (same folder)');
rmSync(dataDir, { recursive: true, force: true });

async function measure(label) {
  const child = spawn(process.execPath, ['--no-node-snapshot', 'dist/src/main.js'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise((resolve) =>
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"listening"')) resolve(JSON.parse(line).port);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  for (const path of ['/readyz', '/metrics', '/console/', '/api/webhook/warm-up'])
    for (let i = 0; i < 20; i += 1) await (await fetch(`${base}${path}`, { method: 'GET' })).arrayBuffer();
  await sleep(idleSeconds * 1000);

  const metrics = await (await fetch(`${base}/metrics`)).text();
  const metric = (name) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
  const hosts = childrenOf(child.pid).map((pid) => mb(rssOf(pid)));
  console.log(`${label}: service RSS ${mb(rssOf(child.pid))}`);
  console.log(`  V8 heap used ${mb(metric('nodejs_heap_size_used_bytes'))} of ${mb(metric('nodejs_heap_size_total_bytes'))}`);
  console.log(`  external memory ${mb(metric('nodejs_external_memory_bytes'))} (ArrayBuffers: PGlite's WebAssembly memory)`);
  console.log(`  script hosts RSS ${hosts.join(', ')}`);
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

function mb(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function rssOf(pid) {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
}

function childrenOf(parent) {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1] === String(parent);
      } catch {
        return false;
      }
    });
}

/** IDLE_RSS_ENV='A=1 B=2' adds settings, e.g. SCRIPT_HOSTS=1 to compare. */
function extraEnv() {
  return Object.fromEntries(
    (process.env.IDLE_RSS_ENV ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((pair) => pair.split('=')),
  );
}
