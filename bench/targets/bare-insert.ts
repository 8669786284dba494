/**
 * Baseline 2, "the durable ceiling": a bare node:http server that parses the JSON and stores the
 * raw body with one pg INSERT (durable commit) before it answers. What the service's async ingest
 * is measured against: anything above this needs batching, anything below is overhead.
 *
 * BENCH_DATABASE_URL: the PostgreSQL database; the table lives in a schema of its own, dropped at exit.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { rssMiB, serveBench } from '../lib/target-process.js';

const schema = `bench_bare_${process.pid}`;
const pool = new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: Number(process.env.BENCH_POOL_MAX ?? 10) });
await pool.query(`CREATE SCHEMA ${schema}`);
await pool.query(
  `CREATE TABLE ${schema}.events (id bigserial PRIMARY KEY, received_at timestamptz NOT NULL DEFAULT now(), raw_body bytea NOT NULL, body jsonb NOT NULL)`,
);

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const raw = Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8')) as unknown;
    pool
      .query<{ id: string }>(`INSERT INTO ${schema}.events (raw_body, body) VALUES ($1, $2) RETURNING id`, [
        raw,
        JSON.stringify(body),
      ])
      .then(
        ({ rows }) =>
          response
            .writeHead(202, { 'content-type': 'application/json' })
            .end(JSON.stringify({ success: true, data: { eventId: Number(rows[0]!.id) } })),
        () => response.writeHead(503).end(),
      );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => serveBench((server.address() as AddressInfo).port, async () => rssMiB()));
process.once('SIGTERM', () =>
  server.close(async () => {
    await pool.query(`DROP SCHEMA ${schema} CASCADE`);
    await pool.end();
    process.exit(0);
  }),
);
