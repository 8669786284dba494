import type { AddressInfo } from 'node:net';
import type { SendToSelf } from '../../commands/webhook-configs/send-to-self.js';

/** What is kept of an answer's body: enough for a person to read in the console. */
const keptAnswerBytes = 64 * 1024;
/** A sync configuration may run up to its own time limit; the test waits a little longer than the service-wide one. */
const answerTimeoutMs = 120_000;

/**
 * Sends to this process's own webhook ingress over HTTP/1.1 at the address it listens on (`address`
 * is undefined before it listens): a wildcard address is reached on loopback. The caller check sees
 * a loopback address.
 */
export function createSelfSender(address: () => AddressInfo | undefined): SendToSelf {
  return async (request) => {
    const listening = address();
    if (!listening) throw new Error('the service does not listen yet');
    const response = await fetch(`${baseUrl(listening)}/api/webhook/${encodedPath(request.path)}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body && { body: request.body }),
      signal: AbortSignal.timeout(answerTimeoutMs),
    });
    const body = Buffer.from(await response.arrayBuffer());
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      requestId: response.headers.get('x-request-id') ?? '',
      body: body.subarray(0, keptAnswerBytes).toString('utf8'),
    };
  };
}

function baseUrl({ address, family, port }: AddressInfo): string {
  if (address === '0.0.0.0' || address === '::') return `http://127.0.0.1:${port}`;
  return family === 'IPv6' ? `http://[${address}]:${port}` : `http://${address}:${port}`;
}

/** Each segment escaped as a URL needs it; the ingress decodes the path back. */
function encodedPath(path: string): string {
  return path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/');
}
