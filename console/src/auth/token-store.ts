/**
 * The bearer token lives in this tab's sessionStorage only: it is gone when the tab closes, is never
 * put in a URL (where logs, history and referrers would keep it), and is sent only as a header.
 */
const storageKey = 'bpm-webhooks-console-token';

export function readToken(): string | undefined {
  return sessionStorage.getItem(storageKey) ?? undefined;
}

export function saveToken(token: string): void {
  sessionStorage.setItem(storageKey, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(storageKey);
}

/** What the token says about itself, for display only: the service verifies it on every call. */
export interface TokenClaims {
  readonly subject: string;
  readonly permissions: readonly string[];
  readonly expiresAt?: Date;
}

export function readClaims(token: string): TokenClaims | undefined {
  try {
    const payload = token.split('.')[1];
    if (!payload) return undefined;
    const json = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const scope = typeof json.scope === 'string' ? json.scope.split(' ').filter(Boolean) : [];
    const listed = Array.isArray(json.permissions) ? json.permissions.filter((p): p is string => typeof p === 'string') : [];
    return {
      subject: typeof json.sub === 'string' ? json.sub : '(no subject)',
      permissions: [...new Set([...scope, ...listed])],
      ...(typeof json.exp === 'number' && { expiresAt: new Date(json.exp * 1000) }),
    };
  } catch {
    return undefined;
  }
}
