import { failed, matchesAny, passed, type Verifier } from './verifier.js';

/** HTTP Basic: `Authorization: Basic base64(user:password)`; each secret is a `user:password` pair. */
export const basicAuth: Verifier = ({ headers, settings }) => {
  const header = settings.header.toLowerCase() || 'authorization';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers[header] ?? '');
  if (!match) return failed(`missing Basic credentials in ${header}`);
  const credentials = Buffer.from(match[1]!, 'base64').toString('utf8');
  return matchesAny(credentials, settings.secrets) ? passed : failed('credentials do not match');
};
