import type { JWTPayload } from 'jose';
import type { Actor } from '../commands/command.js';
import { permissions as knownPermissions, type Permission } from '../domain/permissions.js';

/**
 * The operator a verified token names: its subject (`sub`, else the OAuth client) and the known
 * permissions from `scope` (space-separated) and/or `permissions` (an array). Unknown ones are ignored.
 * Returns undefined for a token that names nobody: the audit log needs a who.
 */
export function actorFromClaims(claims: JWTPayload): Actor | undefined {
  const subject = [claims.sub, claims.client_id, claims.azp].find(
    (value): value is string => typeof value === 'string' && value.trim() !== '',
  );
  if (subject === undefined) return undefined;
  const granted = [...scopeValues(claims.scope), ...arrayValues(claims.permissions)];
  return {
    kind: 'operator',
    subject,
    permissions: new Set(granted.filter(isPermission)),
  };
}

function scopeValues(scope: unknown): string[] {
  if (typeof scope === 'string') return scope.split(/\s+/);
  return arrayValues(scope);
}

function arrayValues(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function isPermission(value: string): value is Permission {
  return (knownPermissions as readonly string[]).includes(value);
}
