import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  /** The query string, with its `?` (empty when none). */
  readonly search: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** Resolves when the answer is done or the caller gave up; for `/slow`, only the latter. */
  readonly closed: Promise<void>;
}

/**
 * A local HTTP server to forward webhooks to: `/ok` answers what it received, `/fail` 500,
 * `/slow` never answers, `/redirect?to=<url>` answers 307 to that URL. `nextRequest()` resolves when
 * the next request has arrived.
 */
export async function startForwardTarget() {
  const received: ReceivedRequest[] = [];
  const arrivalWaiters: ((request: ReceivedRequest) => void)[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://target');
      const body = Buffer.concat(chunks).toString('utf8');
      const closed = new Promise<void>((resolve) => response.on('close', () => resolve()));
      const entry = {
        host: request.headers.host ?? '',
        method: request.method ?? '',
        path: url.pathname,
        search: url.search,
        headers: request.headers,
        body,
        closed,
      };
      received.push(entry);
      for (const arrived of arrivalWaiters.splice(0)) arrived(entry);
      if (url.pathname === '/slow') return;
      if (url.pathname === '/redirect') {
        response.writeHead(307, { location: url.searchParams.get('to') ?? '/' }).end();
        return;
      }
      const status = url.pathname === '/fail' ? 500 : 200;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ received: body, contentType: request.headers['content-type'] ?? null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    received,
    nextRequest: () => new Promise<ReceivedRequest>((resolve) => arrivalWaiters.push(resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
