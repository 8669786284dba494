import { isSecretQueryName } from './is-secret-name.js';

/**
 * The URL with the values of its credential query parameters (`access_token`, `key`, `sig`, ...:
 * isSecretQueryName) replaced; anything that is not an absolute http(s) URL with such a parameter is
 * returned unchanged, byte for byte.
 */
export function replaceUrlCredentials(text: string, replacement: string): string {
  const url = parseHttpUrl(text);
  if (!url) return text;
  const entries = [...url.searchParams];
  if (!entries.some(([name]) => isSecretQueryName(name))) return text;
  url.search = new URLSearchParams(
    entries.map(([name, value]): [string, string] => [name, isSecretQueryName(name) ? replacement : value]),
  ).toString();
  return url.href;
}

/** The values of a URL's credential query parameters (none when the text is not an http(s) URL). */
export function urlCredentials(text: string): string[] {
  const url = parseHttpUrl(text);
  if (!url) return [];
  return [...url.searchParams].filter(([name, value]) => isSecretQueryName(name) && value !== '').map(([, value]) => value);
}

function parseHttpUrl(text: string): URL | undefined {
  if (!/^https?:\/\/[^?]*\?/i.test(text)) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
