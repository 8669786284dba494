import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { engines, type EngineName } from '../helpers/database.js';
import { sampleValue } from '../helpers/prometheus-text.js';
import { promqlMetricNames } from '../helpers/promql-metric-names.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

const alertsFile = new URL('../../docs/observability/alerts.yml', import.meta.url);
const dashboardFile = new URL('../../docs/observability/grafana-dashboard.json', import.meta.url);

/** Series Prometheus makes itself for every scrape, not the service. */
const prometheusOwnSeries = new Set(['up']);

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

interface DashboardPanel {
  type: string;
  id: number;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: { expr: string }[];
}

async function alertRules(): Promise<AlertRule[]> {
  const document = parse(await readFile(alertsFile, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] };
  return document.groups.flatMap((group) => group.rules);
}

async function dashboard() {
  return JSON.parse(await readFile(dashboardFile, 'utf8')) as {
    panels: DashboardPanel[];
    templating: { list: { name: string; type: string; query?: string | { query: string } }[] };
  };
}

/** Every expression of the dashboard: panel queries, and the metric of each `label_values(metric, label)` variable. */
async function dashboardExpressions(): Promise<string[]> {
  const { panels, templating } = await dashboard();
  const queries = panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  const variables = templating.list
    .filter((variable) => variable.type === 'query')
    .map((variable) => {
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      const match = /^label_values\((\w+),\s*\w+\)$/.exec(query ?? '');
      if (!match) throw new Error(`variable ${variable.name}: not label_values(metric, label): ${query}`);
      return match[1]!;
    });
  return [...queries, ...variables];
}

/** Metric family names a Prometheus text exposition declares, with the series names of histograms. */
function exposedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the shipped alert rules and dashboard', () => {
  it('give every alert a severity, a summary, a description and an explained threshold', async () => {
    const source = await readFile(alertsFile, 'utf8');
    const rules = await alertRules();
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      'BpmConfigFailureRatio',
      'BpmDown',
      'BpmInboxBehind',
      'BpmInboxStalled',
      'BpmNotReady',
      'BpmOrderingKeyParked',
      'BpmScriptHostRestarts',
      'BpmSourceSilent',
      'BpmStoreConnectionFailures',
      'BpmStoreQueryErrors',
      'BpmWebhookDeadLetters',
      'BpmWebhookSilent',
    ]);
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
      // The comment that explains the threshold sits right above the rule.
      const before =
        source
          .slice(0, source.indexOf(`- alert: ${rule.alert}\n`))
          .trimEnd()
          .split('\n')
          .at(-1) ?? '';
      expect(before.trim().startsWith('#'), `${rule.alert} has no comment above it`).toBe(true);
    }
  });

  it('lays the dashboard out with unique panel ids and a query on every graph', async () => {
    const { panels } = await dashboard();
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24);
    }
  });

  it.skipIf(!hasPromtool())('pass promtool check rules', async () => {
    const { stdout } = await promisify(execFile)('promtool', ['check', 'rules', alertsFile.pathname]);
    expect(stdout).toContain('SUCCESS: 12 rules found');
  });

  it.skipIf(!hasPromtool())('fire at their documented thresholds (promtool test rules alerts.test.yml)', async () => {
    const { stdout } = await promisify(execFile)('promtool', ['test', 'rules', 'alerts.test.yml'], {
      cwd: new URL('.', alertsFile).pathname,
    });
    expect(stdout).toContain('SUCCESS');
  });
});

function hasPromtool(): boolean {
  return (process.env.PATH ?? '').split(':').some((dir) => {
    try {
      return statSync(`${dir}/promtool`).isFile();
    } catch {
      return false;
    }
  });
}

describe.each(engines)('every metric the alert rules and the dashboard name is on /metrics (%s)', (engine) => {
  let service: ChildService;
  let dropDatabase = async () => {};
  beforeAll(async () => {
    const { url, drop } = await databaseFor(engine);
    dropDatabase = drop;
    service = await startChildService({ AUTH_HS256_SECRET: testSecret, DATABASE_URL: url, RETRY_BASE_MS: '10' });
  }, 120_000);
  afterAll(async () => {
    await service?.stop();
    await dropDatabase();
  });

  it('after a webhook that succeeds and one that goes dead', async () => {
    await createConfig(service.baseUrl, {
      key: 'fine',
      path: '/fine',
      action: 'POST',
      // The native echo, not a script: a cold script host on a busy machine may time a first script out.
      executionType: 0,
      commandName: 'EchoCommand',
    });
    await createConfig(service.baseUrl, {
      key: 'broken',
      path: '/broken',
      action: 'POST',
      executionType: 2,
      executionCode: 'throw new Error("core banking is down");',
      responseMode: 'async',
      maxAttempts: 2,
    });
    expect((await callWebhook(service.baseUrl, 'fine', { body: '{"n":1}' })).status).toBe(200);
    expect((await callWebhook(service.baseUrl, 'broken', { body: '{"n":2}' })).status).toBe(202);
    await eventually(async () => {
      const list = await command(service.baseUrl, 'GetWebhookEventListQuery', { status: 'dead', pageSize: 1 });
      return (list.data as { totalCount: number }).totalCount === 1 ? true : undefined;
    }, 30_000);

    const text = await (await fetch(`${service.baseUrl}/metrics`)).text();
    const exposed = exposedNames(text);
    const named = [...(await alertRules()).map((rule) => rule.expr), ...(await dashboardExpressions())].flatMap(
      promqlMetricNames,
    );
    expect(named.length).toBeGreaterThan(20);
    const missing = [...new Set(named)].filter((name) => !exposed.has(name) && !prometheusOwnSeries.has(name));
    expect(missing).toEqual([]);

    // The series the delivery alerts evaluate carry this traffic.
    expect(sampleValue(text, 'bpm_ready')).toBe(1);
    expect(sampleValue(text, 'bpm_event_dead_letters_total', { source: 'router' })).toBe(1);
    expect(sampleValue(text, 'bpm_executions_total', { config_key: 'broken', outcome: 'failed' })).toBe(2);
    expect(sampleValue(text, 'bpm_executions_total', { config_key: 'fine', outcome: 'succeeded' })).toBe(1);
    const lastFine = sampleValue(text, 'bpm_config_last_received_timestamp_seconds', { config_key: 'fine' });
    expect(Math.abs(lastFine! - Date.now() / 1_000)).toBeLessThan(120);
  }, 60_000);
});

/** A database of its own for the child service: PGlite in memory, or a new database on the test server. */
async function databaseFor(engine: EngineName): Promise<ScratchDatabase> {
  if (engine === 'pglite') return { url: 'memory://', drop: async () => {} };
  return createScratchDatabase(process.env.TEST_DATABASE_URL!, 'bpm_observability');
}
