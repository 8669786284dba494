import { failed, matchesAny, passed, type Signer, type Verifier } from './verifier.js';

/** HTTP Basic: `Authorization: Basic base64(user:password)`; each secret is a `user:password` pair. */
export const basicAuth: Verifier = ({ headers, settings }) => {
  const header = settings.header.toLowerCase() || 'authorization';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers[header] ?? '');
  if (!match) return failed(`missing Basic credentials in ${header}`);
  const credentials = Buffer.from(match[1]!, 'base64').toString('utf8');
  return matchesAny(credentials, settings.secrets) ? passed : failed('credentials do not match');
};

/** The sender's side: the first `user:password` secret as Basic credentials. */
export const basicAuthSigner: Signer = ({ settings }) => ({
  [settings.header.toLowerCase() || 'authorization']:
    `Basic ${Buffer.from(settings.secrets[0] ?? '', 'utf8').toString('base64')}`,
});
