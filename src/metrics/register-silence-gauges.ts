import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { silenceOf } from '../domain/silence.js';
import { findLastAcceptedByConfig } from '../store/last-accepted-by-config.js';

/** What the silence gauges read at scrape time. */
export interface SilenceSources {
  readonly db: Knex;
  readonly clock: () => Date;
  readonly log: Logger;
}

/** The `source` label of a configuration that names no catalog source (it spells out its verification, or has none). */
export const customSourceLabel = 'custom';

/**
 * Per enabled configuration (labels config_key, and source: its catalog source or "custom"): the
 * seconds since its last accepted webhook and, where it declares expectedEvery, that interval and
 * whether it is exceeded. Read from the store at scrape time (last-accepted-by-config.ts), so every
 * process answers alike and a restart forgets nothing; one query per scrape feeds the three gauges.
 */
export function registerSilenceGauges(registry: Registry, sources: SilenceSources): void {
  let pending: Promise<Awaited<ReturnType<typeof readSilences>>> | undefined;
  const silences = () => {
    pending ??= readSilences(sources).finally(() => setImmediate(() => (pending = undefined)));
    return pending.catch((error: unknown) => {
      sources.log.warn({ err: error }, 'cannot read the last accepted webhooks for /metrics');
      return [];
    });
  };
  const labelNames = ['config_key', 'source'] as const;
  new Gauge({
    name: 'bpm_webhook_seconds_since_last_accepted',
    help: 'Seconds since the configuration last accepted (stored) a webhook, refused ones not counted; since its creation when it has accepted none',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await silences()) this.set(row.labels, row.silence.secondsSinceLastAccepted);
    },
  });
  new Gauge({
    name: 'bpm_webhook_expected_every_seconds',
    help: "The configuration's expectedEvery: longer than this without an accepted webhook, it is silent",
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await silences()) if (row.expectedEverySeconds !== null) this.set(row.labels, row.expectedEverySeconds);
    },
  });
  new Gauge({
    name: 'bpm_webhook_silent',
    help: '1 when the configuration has gone longer than its expectedEvery without an accepted webhook, else 0 (only configurations with expectedEvery)',
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await silences()) if (row.expectedEverySeconds !== null) this.set(row.labels, row.silence.silent ? 1 : 0);
    },
  });
}

async function readSilences(sources: SilenceSources) {
  const rows = await findLastAcceptedByConfig(sources.db);
  const now = sources.clock();
  return rows.map((row) => ({
    labels: { config_key: row.configKey, source: row.source ?? customSourceLabel },
    expectedEverySeconds: row.expectedEverySeconds,
    silence: silenceOf(row, row.lastAcceptedAt, now),
  }));
}
