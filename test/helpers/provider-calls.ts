import { connect } from 'node:http2';
import type { WebhookResponse } from './webhook-calls.js';

/** Posts to a fixed provider endpoint (`/api/webhooks/...`) as the provider would. */
export async function postProvider(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<WebhookResponse> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as WebhookResponse['json'], text };
}

/**
 * One h2c connection for many posts at once: every request is its own stream, so a thousand are
 * in flight together without a thousand sockets (which would overflow the listen backlog).
 */
export function openProviderSession(baseUrl: string) {
  const session = connect(baseUrl);
  return {
    post(
      path: string,
      body: unknown,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; json: WebhookResponse['json'] }> {
      return new Promise((resolve, reject) => {
        const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/json', ...headers });
        let status = 0;
        const chunks: Buffer[] = [];
        stream.on('response', (head) => {
          status = Number(head[':status']);
        });
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () =>
          resolve({ status, json: JSON.parse(Buffer.concat(chunks).toString()) as WebhookResponse['json'] }),
        );
        stream.on('error', reject);
        stream.end(JSON.stringify(body));
      });
    },
    close: () => new Promise<void>((resolve) => session.close(() => resolve())),
  };
}
