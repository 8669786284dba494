/**
 * Names that carry credentials wherever they appear: chain-step parameters (at any depth) and
 * webhook query parameters. One list, read case-insensitively; a name matches when it equals one of
 * `exactNames` or contains one of `fragments` (so `x-api-key`, `client_secret`, `accessToken` match).
 */
const exactNames = new Set(['authorization', 'proxy-authorization', 'auth', 'sig', 'pwd', 'passwd', 'otp', 'pin']);
const fragments =
  /token|secret|password|passphrase|api[-_]?key|access[-_]?key|private[-_]?key|signature|hmac|credential|cookie|session[-_]?id/;

/**
 * Query parameters that carry credentials by convention, names too common elsewhere to be secret
 * everywhere: Google's `key`, Azure Functions' and OAuth's `code`, `jwt`.
 */
const queryCredentialNames = new Set(['key', 'code', 'jwt']);

/** True when a parameter or query name looks like it holds a credential. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return exactNames.has(lower) || fragments.test(lower);
}

/** True when a query parameter looks like it holds a credential: isSecretName, or a query-only convention (`key`, `code`). */
export function isSecretQueryName(name: string): boolean {
  return isSecretName(name) || queryCredentialNames.has(name.toLowerCase());
}
