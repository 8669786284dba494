import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { findLastReceivedByConfig } from '../store/last-received-by-config.js';

/** What the gauges below read at scrape time. */
export interface FreshnessSources {
  readonly db: Knex;
  readonly log: Logger;
  /** The same check as GET /readyz: the store answers and every migration is applied. */
  readonly isReady: () => Promise<boolean>;
}

/**
 * Gauges for the alerts that ask "is it alive?" rather than "how much?": readiness as a number (so a
 * rule can tell a not-ready service from a missing scrape), and when each enabled configuration last
 * received an event (so a rule can find a source that fell silent, even across restarts, since the
 * store remembers what a process's counters forget).
 */
export function registerFreshnessGauges(registry: Registry, sources: FreshnessSources): void {
  new Gauge({
    name: 'bpm_ready',
    help: '1 when the store answers and every migration is applied (as GET /readyz), else 0',
    registers: [registry],
    async collect() {
      this.set((await sources.isReady().catch(() => false)) ? 1 : 0);
    },
  });
  new Gauge({
    name: 'bpm_config_last_received_timestamp_seconds',
    help: 'Unix time of the newest event of each enabled configuration (its creation time when it has none)',
    labelNames: ['config_key'],
    registers: [registry],
    async collect() {
      const rows = await findLastReceivedByConfig(sources.db).catch((error: unknown) => {
        sources.log.warn({ err: error }, 'cannot read the last event times for /metrics');
        return [];
      });
      this.reset();
      for (const row of rows) this.set({ config_key: row.configKey }, (row.lastReceivedAt ?? row.createdAt).getTime() / 1_000);
    },
  });
}
