import type { JsonValue } from '@bufbuild/protobuf';
import type { DirectHttpResponse } from '../../domain/webhook-event.js';

/**
 * Splits a script's result into its data and the optional `httpResponse {status, headers, body}`
 * that answers the webhook's caller directly; a malformed one is the script's error.
 */
export function splitHttpResponse(result: JsonValue): { data: JsonValue; httpResponse?: DirectHttpResponse } | { error: string } {
  if (typeof result !== 'object' || result === null || Array.isArray(result) || !('httpResponse' in result)) {
    return { data: result };
  }
  const { httpResponse, ...data } = result;
  if (typeof httpResponse !== 'object' || httpResponse === null || Array.isArray(httpResponse)) {
    return { error: 'httpResponse must be an object {status, headers, body}' };
  }
  const status = httpResponse.status ?? 200;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    return { error: 'httpResponse.status must be an integer between 200 and 599' };
  }
  const headers = httpResponse.headers ?? {};
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    return { error: 'httpResponse.headers must be an object of strings' };
  }
  const headerEntries = Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)] as const);
  if (headerEntries.some(([name]) => !/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name))) {
    return { error: 'httpResponse.headers has an invalid header name' };
  }
  return {
    data,
    httpResponse: {
      status,
      headers: Object.fromEntries(headerEntries),
      body: httpResponse.body ?? null,
    },
  };
}
