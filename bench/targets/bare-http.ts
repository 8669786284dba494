/**
 * Baseline 1: a bare node:http server that reads the body, parses the JSON and answers, as the
 * service's edge does, with nothing behind it. The ceiling of HTTP on this machine.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rssMiB, serveBench } from '../lib/target-process.js';

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: { reference?: string } };
    const answer = JSON.stringify({ success: true, data: { reference: body.data?.reference ?? null }, message: 'ok' });
    response.writeHead(200, { 'content-type': 'application/json' }).end(answer);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => serveBench((server.address() as AddressInfo).port, async () => rssMiB()));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
