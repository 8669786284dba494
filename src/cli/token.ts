import { parseArgs } from 'node:util';
import { loadSigningMaterial } from '../auth/signing-material.js';
import { expiresAt, signToken } from '../auth/sign-token.js';
import { permissions, type Permission } from '../domain/permissions.js';
import { loadConfig } from '../config/config.js';

const usage = `Usage: npm run --silent token -- --scope "webhooks:read webhooks:write" [--ttl 1h] [--sub alice]
Prints a bearer token for the management API, signed with the key the service verifies with.
  --scope  space-separated permissions: ${permissions.join(' ')}
  --ttl    lifetime: 90s, 15m, 1h (default), 7d
  --sub    who the token names in logs and the audit log (default: operator; name yourself)
The token's iss and aud are AUTH_ISSUER and AUTH_AUDIENCE when the service enforces them, else bpm-webhooks.`;

/** The `iss` and `aud` of tokens for a service that enforces none. */
const serviceName = 'bpm-webhooks';

/** `npm run token`: prints a signed operator token (see docs/auth.md). */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scope: { type: 'string' },
      ttl: { type: 'string', default: '1h' },
      sub: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void console.log(usage);
  const config = loadConfig();
  const claims = {
    // Not the OS user: on a server that is "root", which says nothing about who acted.
    subject: values.sub?.trim() || 'operator',
    permissions: parseScope(values.scope),
    ttl: values.ttl,
    issuer: config.auth.issuer ?? serviceName,
    audience: config.auth.audience ?? serviceName,
  };
  expiresAt(0, claims.ttl); // a bad --ttl fails before any key is touched
  console.log(await signToken(await loadSigningMaterial(config), claims, new Date()));
}

function parseScope(scope: string | undefined): Permission[] {
  const requested = (scope ?? '').split(/\s+/).filter(Boolean);
  if (requested.length === 0) throw new Error(`--scope is required\n${usage}`);
  const unknown = requested.filter((value) => !(permissions as readonly string[]).includes(value));
  if (unknown.length > 0) throw new Error(`Unknown permission ${unknown.join(', ')}; known: ${permissions.join(' ')}`);
  return requested as Permission[];
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(2);
});
