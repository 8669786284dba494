import type { WebhookConfig } from '../domain/webhook-config.js';
import { normalizePath } from './normalize-path.js';

/** The outcome of matching a request against the enabled configurations. */
export type RouteMatch =
  | { readonly kind: 'matched'; readonly config: WebhookConfig; readonly by: 'path' | 'key' }
  | { readonly kind: 'method_not_allowed'; readonly allow: readonly string[] }
  | { readonly kind: 'not_found' };

/** Enabled configurations indexed by normalised path and by key, for matching without the store. */
export interface RouteTable {
  match(path: string, method: string): RouteMatch;
  /** The enabled configuration with this key (case-insensitive), whatever its path and method: a provider's reserved key. */
  byKey(key: string): WebhookConfig | undefined;
  /**
   * The database's clock now, as estimated from its `now()` when the table was loaded plus the
   * monotonic time since: what a rotation's old secrets expire on, so no process clock decides it.
   */
  databaseNow(): Date;
}

/**
 * Builds the table from the enabled configurations. A path is matched first; only when no
 * configuration serves that path does the key fallback apply (`/api/webhook/<key>`).
 */
export function createRouteTable(configs: readonly WebhookConfig[], databaseNow: () => Date): RouteTable {
  const byPath = new Map<string, Map<string, WebhookConfig>>();
  const byKey = new Map<string, WebhookConfig[]>();
  const enabled = configs.filter((config) => config.isEnabled);
  for (const config of enabled) {
    if (config.normalizedPath !== '') {
      const methods = byPath.get(config.normalizedPath) ?? new Map<string, WebhookConfig>();
      methods.set(config.action, config);
      byPath.set(config.normalizedPath, methods);
    }
    const key = config.key.toLowerCase();
    byKey.set(key, [...(byKey.get(key) ?? []), config]);
  }
  return {
    match(path, method) {
      const normalized = normalizePath(path);
      const upper = method.toUpperCase();
      const methods = byPath.get(normalized);
      if (methods) {
        const config = methods.get(upper);
        return config
          ? { kind: 'matched', config, by: 'path' }
          : { kind: 'method_not_allowed', allow: [...methods.keys()].sort() };
      }
      const keyed = byKey.get(normalized) ?? [];
      if (keyed.length === 0) return { kind: 'not_found' };
      const config = keyed.find((candidate) => candidate.action === upper);
      return config
        ? { kind: 'matched', config, by: 'key' }
        : { kind: 'method_not_allowed', allow: keyed.map((c) => c.action).sort() };
    },
    byKey: (key) => byKey.get(key.toLowerCase())?.[0],
    databaseNow,
  };
}
