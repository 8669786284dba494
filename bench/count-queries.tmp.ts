import pg from 'pg';
const counts = new Map<string, number>();
const orig = pg.Client.prototype.query as any;
(pg.Client.prototype as any).query = function (this: unknown, q: any, ...rest: unknown[]) {
  const text = typeof q === 'string' ? q : q?.text ?? '?';
  const k = String(text).replace(/\s+/g, ' ').slice(0, 110);
  counts.set(k, (counts.get(k) ?? 0) + 1);
  return orig.call(this, q, ...rest);
};
process.env.BENCH_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
process.env.BENCH_TOKEN_SECRET = 'x'.repeat(40);
const { paymentNotification } = await import('./lib/scenario-configs.js');
// reuse service target by importing it; it listens and calls serveBench (IPC) - guard
let port = 0;
(process as any).send = (m: any) => { if (m?.port) port = m.port; };
await import('./targets/service.js').catch((e) => console.error(e));
await new Promise((r) => setTimeout(r, 1500));
const path = process.argv[2] ?? 'bench/sync';
counts.clear();
const N = 200;
const body = paymentNotification();
await Promise.all(Array.from({ length: 8 }, async () => { for (let i = 0; i < N / 8; i++) { const r = await fetch(`http://127.0.0.1:${port}/api/webhook/${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }); await r.text(); if (r.status >= 300) console.log(r.status); } }));
await new Promise((r) => setTimeout(r, 1000));
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log((v / N).toFixed(2), k);
process.kill(process.pid, 'SIGTERM');
