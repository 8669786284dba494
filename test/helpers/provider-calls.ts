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
