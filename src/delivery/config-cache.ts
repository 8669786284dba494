import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createRouteTable, type RouteTable } from '../router/route-table.js';
import { listenForConfigChanges } from '../store/listen-config-changes.js';
import { listAllWebhookConfigs } from '../store/webhook-configs.js';

/** The enabled configurations in memory, reloaded whenever any process changes one. */
export interface ConfigCache {
  /** The current route table; loads it when a change was announced since the last load. */
  routes(): Promise<RouteTable>;
  /** Marks the table stale. */
  invalidate(): void;
  close(): Promise<void>;
}

/** While change notifications cannot be received, the table is reloaded at most this often. */
const unlistenedMaxAgeMs = 1_000;

export function createConfigCache(db: Knex, log: Logger): ConfigCache {
  let generation = 0;
  let table: { routes: RouteTable; generation: number; loadedAt: number } | undefined;
  let loading: Promise<RouteTable> | undefined;
  const listener = listenForConfigChanges(db, () => void (generation += 1), log);

  const isFresh = (current: NonNullable<typeof table>) =>
    current.generation === generation && (listener.isLive() || performance.now() - current.loadedAt < unlistenedMaxAgeMs);

  return {
    async routes() {
      if (table && isFresh(table)) return table.routes;
      if (!loading) {
        const startedGeneration = generation;
        const startedAt = performance.now();
        loading = listAllWebhookConfigs(db)
          .then((configs) => {
            const routes = createRouteTable(configs);
            table = { routes, generation: startedGeneration, loadedAt: startedAt };
            return routes;
          })
          .finally(() => {
            loading = undefined;
          });
      }
      return loading;
    },
    invalidate() {
      generation += 1;
    },
    close: () => listener.close(),
  };
}
