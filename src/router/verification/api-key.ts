import { failed, matchesAny, passed, type Signer, type Verifier } from './verifier.js';

/** A shared key in `header` (default `x-api-key`), after an optional `prefix` such as `Bearer `. */
export const apiKey: Verifier = ({ headers, settings }) => {
  const header = settings.header.toLowerCase() || 'x-api-key';
  const value = headers[header];
  if (!value) return failed(`missing ${header} header`);
  if (settings.prefix && !value.startsWith(settings.prefix)) return failed(`key does not start with "${settings.prefix}"`);
  return matchesAny(value.slice(settings.prefix.length), settings.secrets) ? passed : failed('key does not match');
};

/** The sender's side: the first secret itself, after the prefix. */
export const apiKeySigner: Signer = ({ settings }) => ({
  [settings.header.toLowerCase() || 'x-api-key']: `${settings.prefix}${settings.secrets[0] ?? ''}`,
});
