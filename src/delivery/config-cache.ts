import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { ConfigCacheSettings } from '../config/config.js';
import type { WebhookConfig } from '../domain/webhook-config.js';
import { createRouteTable, type RouteTable } from '../router/route-table.js';
import { listenToChannel } from '../store/listen-to-channel.js';
import { configChangesChannel } from '../store/migrations/20261128020000-create-webhook-events.js';
import { listAllWebhookConfigs } from '../store/webhook-configs.js';

/** The enabled configurations in memory, reloaded whenever any process changes one. */
export interface ConfigCache {
  /** The current route table; loads it when a change was announced since the last load. */
  routes(): Promise<RouteTable>;
  /**
   * The configuration with this id, when the table (as fresh as for routes) holds exactly this
   * version of it, enabled or not; undefined otherwise (the caller then asks the store).
   */
  find(id: number, version: number): Promise<WebhookConfig | undefined>;
  /** Marks the table stale. */
  invalidate(): void;
  close(): Promise<void>;
}

/** CONFIG_MAX_STALENESS_MS 5 s, CONFIG_LISTEN_HEARTBEAT_MS 10 s. */
export const defaultConfigCacheSettings: ConfigCacheSettings = Object.freeze({
  maxStalenessMs: 5_000,
  listenHeartbeatMs: 10_000,
});

/** While change notifications cannot be received, the table is reloaded at most this often. */
const unlistenedMaxAgeMs = 1_000;

/**
 * Keeps the route table fresh two ways: a change notification (LISTEN/NOTIFY) marks it stale at once,
 * and since a notification can be lost (a connection dropped without a word), no table older than
 * `maxStalenessMs` is ever served. Past half that age a request starts a reload in the background
 * and is served the current table; past the bound it waits for the reload. So the hot path never
 * queries for freshness, and an idle process queries nothing.
 */
export function createConfigCache(
  db: Knex,
  log: Logger,
  settings: ConfigCacheSettings = defaultConfigCacheSettings,
  now: () => number = () => performance.now(),
): ConfigCache {
  let generation = 0;
  type Table = { routes: RouteTable; byId: ReadonlyMap<number, WebhookConfig>; generation: number; loadedAt: number };
  let table: Table | undefined;
  let loading: Promise<Table> | undefined;
  const listener = listenToChannel(
    db,
    configChangesChannel,
    () => {
      generation += 1;
    },
    log,
    { heartbeatMs: settings.listenHeartbeatMs },
  );
  const maxAgeMs = () => (listener.isLive() ? settings.maxStalenessMs : Math.min(unlistenedMaxAgeMs, settings.maxStalenessMs));

  const reload = () => {
    if (!loading) {
      const startedGeneration = generation;
      const startedAt = now();
      loading = listAllWebhookConfigs(db)
        .then((configs) => {
          const loaded: Table = {
            routes: createRouteTable(configs),
            byId: new Map(configs.map((config) => [config.id, config])),
            generation: startedGeneration,
            loadedAt: startedAt,
          };
          table = loaded;
          return loaded;
        })
        .finally(() => {
          loading = undefined;
        });
    }
    return loading;
  };

  const current = async (): Promise<Table> => {
    if (!table || table.generation !== generation) return reload();
    const age = now() - table.loadedAt;
    if (age >= maxAgeMs()) return reload();
    if (age >= maxAgeMs() / 2) {
      reload().catch((error: unknown) => log.warn({ err: error }, 'background reload of configurations failed'));
    }
    return table;
  };

  return {
    routes: async () => (await current()).routes,
    async find(id, version) {
      const config = (await current()).byId.get(id);
      return config?.version === version ? config : undefined;
    },
    invalidate() {
      generation += 1;
    },
    close: () => listener.close(),
  };
}
