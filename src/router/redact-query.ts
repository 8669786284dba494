import { isSecretQueryName } from '../domain/is-secret-name.js';
import { redacted } from './redact-headers.js';

/**
 * The query string as stored and handed to executors: values of parameters named like credentials
 * (`token`, `api_key`, `sig`, `access_token`, `key`, `code`, `hmac`, ...: isSecretQueryName) replaced by "[redacted]", as secret
 * headers are. Verification runs on the request before this, so it still sees them.
 */
export function redactQuery(query: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, isSecretQueryName(name) ? redacted : value]));
}
