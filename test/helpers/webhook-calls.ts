import type { JsonObject } from '@bufbuild/protobuf';
import { createManagementClient } from './management-clients.js';
import { mintAdminToken } from './tokens.js';

export interface WebhookResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: { success: boolean; data: unknown; message: string; errors?: string[] } & Record<string, unknown>;
  readonly text: string;
}

/** Calls the webhook router as a provider would. */
export async function callWebhook(
  baseUrl: string,
  path: string,
  init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<WebhookResponse> {
  const response = await fetch(`${baseUrl}/api/webhook/${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body !== undefined && { body: init.body }),
  });
  const text = await response.text();
  let json = {} as WebhookResponse['json'];
  try {
    json = JSON.parse(text) as WebhookResponse['json'];
  } catch {
    // A direct httpResponse may be text.
  }
  return { status: response.status, headers: response.headers, json, text };
}

/**
 * Why a sync webhook failed, as its stored event says: the caller's 500 names only the event and
 * request ids, the reasons stay in the event.
 */
export async function eventErrors(baseUrl: string, response: WebhookResponse): Promise<string[]> {
  const id = Number(response.headers.get('x-webhook-event-id'));
  const event = await command(baseUrl, 'GetWebhookEventByIdQuery', { id });
  return (event.data as { errors: string[] }).errors;
}

/** Creates a configuration over the JSON gateway and returns it. */
export async function createConfig(baseUrl: string, fields: JsonObject): Promise<{ id: number; version: number } & JsonObject> {
  const outcome = await command(baseUrl, 'CreateWebHookConfigCommand', fields);
  if (!outcome.success) throw new Error(`create failed: ${outcome.message} ${outcome.errors.join('; ')}`);
  return outcome.data as { id: number; version: number } & JsonObject;
}

/**
 * Runs any command over the JSON gateway as an operator with every permission. The token is signed
 * with the test secret: services from startTestService, and child services started with
 * `AUTH_HS256_SECRET: testSecret`, accept it.
 */
export async function command(baseUrl: string, type: string, fields: JsonObject = {}) {
  return createManagementClient('gateway', baseUrl, await mintAdminToken()).call(type, fields);
}

/** Polls until `check` returns a value (config changes reach the cache within a second). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
