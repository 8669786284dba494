/**
 * Headers only the HTTP client may write: hop-by-hop ones (RFC 9110 7.6.1) and those that frame the
 * message or pick its target. A config or script that could set them could smuggle a second request
 * to the target or reach another virtual host than the URL names.
 */
const reservedHeaders = new Set([
  'host',
  'transfer-encoding',
  'content-length',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

/** Whether a header may not be set through `parameters.headers` (names compared case-insensitively). */
export function isReservedForwardHeader(name: string): boolean {
  const lower = name.toLowerCase();
  return reservedHeaders.has(lower) || lower.startsWith('proxy-');
}

/** Headers that carry credentials whoever set them: never sent past a redirect to another origin. */
export const credentialHeaders: readonly string[] = ['authorization', 'cookie', 'proxy-authorization'];

/** A header name we send as given: an RFC 9110 token of letters, digits and dashes. */
const headerName = /^[A-Za-z0-9-]+$/;

/** `parameters.headers` split: what is sent, and the reserved or malformed names that are not. */
export function splitForwardHeaders(parameters: Readonly<Record<string, unknown>>): {
  headers: Record<string, string>;
  refused: string[];
} {
  const given = parameters.headers;
  const headers: Record<string, string> = {};
  const refused: string[] = [];
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return { headers, refused };
  for (const [name, value] of Object.entries(given)) {
    if (!headerName.test(name) || isReservedForwardHeader(name) || typeof value !== 'string') refused.push(name);
    else headers[name.toLowerCase()] = value;
  }
  return { headers, refused };
}

/** Config-time check of a chain step's static `parameters.headers`: one sentence per reserved name. */
export function forwardHeaderProblems(parameters: Readonly<Record<string, unknown>>): string[] {
  return splitForwardHeaders(parameters)
    .refused.filter(isReservedForwardHeader)
    .map((name) => `parameters.headers may not set "${name}": the HTTP client sets it`);
}
