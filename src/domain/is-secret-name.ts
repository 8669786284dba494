/**
 * Names that carry credentials wherever they appear: chain-step parameters (at any depth) and
 * webhook query parameters. One list, read case-insensitively; a name matches when it equals one of
 * `exactNames` or contains one of `fragments` (so `x-api-key`, `client_secret`, `accessToken` match).
 */
const exactNames = new Set(['authorization', 'proxy-authorization', 'auth', 'sig', 'pwd', 'passwd', 'otp', 'pin']);
const fragments =
  /token|secret|password|passphrase|api[-_]?key|access[-_]?key|private[-_]?key|signature|credential|cookie|session[-_]?id/;

/** True when a parameter or query name looks like it holds a credential. */
export function isSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  return exactNames.has(lower) || fragments.test(lower);
}
