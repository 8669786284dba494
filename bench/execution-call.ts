/**
 * `npm run bench:execution`: the execution step of one webhook attempt on its own, without HTTP or
 * store writes: build the request from a stored event and its configuration, run it, and turn the
 * result into what is stored and answered. EchoCommand and the small script of `npm run bench`, on
 * the 660-byte payment notification; calls per second and CPU microseconds per call, one call at a
 * time, then 64 at once. BENCH_SECONDS (default 3) per measurement.
 */
import { pino } from 'pino';
import { composeService } from '../src/compose.js';
import { loadConfig } from '../src/config/config.js';
import type { WebhookConfig } from '../src/domain/webhook-config.js';
import type { WebhookEvent } from '../src/domain/webhook-event.js';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import { paymentNotification, scenarioConfigs } from './lib/scenario-configs.js';
import { runExecutionStep } from './lib/execution-step.js';
import { targetFromLegacyFields } from '../src/domain/execution-target.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 3);
// A generous script timeout: on a loaded machine a queued script must not count as a failure.
const config = loadConfig({ DATABASE_URL: 'memory://', LOG_LEVEL: 'silent', SCRIPT_TIMEOUT_MS: '30000' });
const log = pino({ level: 'silent' });
const db = await openDatabase({ engine: 'pglite', dataDir: undefined });
await migrateToLatest(db);
const service = composeService({ config, db, log, authenticate: async () => undefined as never, startWorker: false });

const rawBody = Buffer.from(paymentNotification());
const event: WebhookEvent = {
  id: 42,
  configId: 1,
  configKey: 'bench',
  configVersion: 1,
  source: 'router',
  method: 'POST',
  path: 'bench/sync',
  headers: { 'content-type': 'application/json', 'user-agent': 'bench' },
  query: {},
  rawBody,
  clientIp: '127.0.0.1',
  receivedAt: new Date(),
  idempotencyKey: null,
  responseMode: 'sync',
  status: 'processing',
  attempts: 1,
  maxAttempts: 8,
  availableAt: null,
  leaseOwner: 'bench',
  trace: {},
  requestId: null,
  result: null,
  errors: null,
  httpResponse: null,
  completedAt: null,
};
const configOf = (fields: (typeof scenarioConfigs)['sync-echo' | 'sync-script']): WebhookConfig => ({
  id: 1,
  key: 'bench',
  description: '',
  isEnabled: true,
  action: 'POST',
  normalizedPath: fields.path,
  version: 1,
  createdAt: new Date(),
  updatedAt: new Date(),
  activatedAt: null,
  deactivatedAt: null,
  authority: ['webhooks:write'],
  deliveryPausedAt: null,
  retiringSecrets: [],
  orderingKey: null,
  maxConcurrency: null,
  maxPerSecond: null,
  allowableIps: '',
  timeoutMs: null,
  maxAttempts: null,
  idempotencyKey: null,
  verification: null,
  path: fields.path,
  responseMode: fields.responseMode,
  target: targetFromLegacyFields({
    executionType: fields.executionType,
    commandName: 'commandName' in fields ? fields.commandName : null,
    commandChain: null,
    executionCode: 'executionCode' in fields ? fields.executionCode : null,
    processDefinitionId: null,
    processAction: null,
    messageName: null,
    correlationKey: null,
  }),
});

async function measure(name: string, webhook: WebhookConfig, concurrency: number): Promise<void> {
  const run = (until: number) =>
    (async () => {
      let calls = 0;
      while (performance.now() < until) {
        await runExecutionStep(service, event, webhook);
        calls += 1;
      }
      return calls;
    })();
  await Promise.all(Array.from({ length: concurrency }, () => run(performance.now() + 500)));
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const until = started + seconds * 1000;
  const calls = (await Promise.all(Array.from({ length: concurrency }, () => run(until)))).reduce((a, b) => a + b, 0);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerCall = (cpu.user + cpu.system) / calls;
  console.log(
    `${name.padEnd(12)} concurrency ${String(concurrency).padStart(2)}: ${Math.round(calls / elapsed)
      .toLocaleString('en')
      .padStart(7)} calls/s, ${cpuPerCall.toFixed(0).padStart(5)} µs CPU per call (this process)`,
  );
}

const cases = [
  ['sync-echo', configOf(scenarioConfigs['sync-echo'])],
  ['sync-script', configOf(scenarioConfigs['sync-script'])],
] as const;
// Every case runs once before any is measured: the script hosts start and the code is compiled (JIT) first.
for (const [, webhook] of cases) for (let n = 0; n < 200; n += 1) await runExecutionStep(service, event, webhook);
for (const concurrency of [1, 64]) for (const [name, webhook] of cases) await measure(name, webhook, concurrency);
await service.close(1_000);
await db.destroy();
