import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCommandModules } from '../../src/commands/modules/load-command-modules.js';
import { loadConfig } from '../../src/config/config.js';
import { startChildService } from '../helpers/child-service.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { startTestService, type RunningService, type TestServiceOptions } from '../helpers/test-service.js';
import { callWebhook, command, createConfig, eventually } from '../helpers/webhook-calls.js';

/** Fails when the body asks it to, so one configuration can fail and recover. */
const failOnDemand = { executionType: 0, commandName: 'FailOnDemandCommand' };
const commandModules = await loadCommandModules(['test/fixtures/command-modules/fail-on-demand.js']);
const hookPath = '/services/T0001/B0001/notify-secret-path';
const publicUrl = 'https://webhooks.bank.example';
/** A body marker that must never reach a message. */
const bodyMarker = 'ACCOUNT-4111-SECRET';

describe.each(engines)('failure notifications on %s', (engine) => {
  let database: TestDatabase;
  let receiver: Awaited<ReturnType<typeof startForwardTarget>>;
  let offsetMs = 0;
  const services: RunningService[] = [];
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    receiver = await startForwardTarget();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    await database.truncate();
    receiver.received.length = 0;
    offsetMs = 0;
  });
  afterAll(async () => {
    await receiver?.close();
    await database?.destroy();
  });

  const start = async (notify: TestServiceOptions['notify'] = {}, log?: TestServiceOptions['log']) => {
    const service = await startTestService(database.db, {
      ...(log && { log }),
      clock: () => new Date(Date.now() + offsetMs),
      executors: { forwardAllowedHosts: ['127.0.0.1'] },
      extraCommands: commandModules,
      delivery: { retryBaseMs: 1, retryMaxMs: 5, workerPollMs: 20 },
      notify: {
        webhookUrl: `http://127.0.0.1:${receiver.port}${hookPath}`,
        publicUrl,
        // Checks run when a test calls check(), never on their own.
        checkIntervalMs: 3_600_000,
        ...notify,
      },
    });
    services.push(service);
    return service;
  };
  const messages = () =>
    receiver.received
      .filter((request) => request.path === hookPath)
      .map((request) => {
        expect(request.headers['content-type']).toBe('application/json');
        return (JSON.parse(request.body) as { text: string }).text;
      });
  const countEvents = async (baseUrl: string, status: string) => {
    const list = await command(baseUrl, 'GetWebhookEventListQuery', { status, pageSize: 1 });
    return (list.data as { totalCount: number }).totalCount;
  };

  it('sends one message when a configuration’s events go dead again and again, nothing more until it clears, then one "cleared"', async () => {
    const service = await start();
    const config = await createConfig(service.baseUrl, {
      key: 'core-posting',
      path: '/core-posting',
      action: 'POST',
      ...failOnDemand,
      responseMode: 'async',
      maxAttempts: 2,
    });
    for (let n = 0; n < 3; n++)
      expect(
        (await callWebhook(service.baseUrl, 'core-posting', { body: JSON.stringify({ fail: true, n, bodyMarker }) })).status,
      ).toBe(202);
    await eventually(async () => ((await countEvents(service.baseUrl, 'dead')) === 3 ? true : undefined), 20_000);
    await service.notifier!.check();
    await service.notifier!.check();

    expect(messages()).toHaveLength(1);
    const [dead] = messages();
    expect(dead).toMatch(
      /^\[bpm-webhooks\] DEAD: an event of "core-posting" ran out of attempts \(event \d+\)\. Console: https:\/\/webhooks\.bank\.example\/console\/#\/events\/\d+$/,
    );
    expect(dead).not.toContain(bodyMarker);

    // Recovery: an event received since succeeds.
    expect((await callWebhook(service.baseUrl, 'core-posting', { body: '{"fail":false}' })).status).toBe(202);
    await eventually(async () => ((await countEvents(service.baseUrl, 'succeeded')) === 1 ? true : undefined), 20_000);
    await service.notifier!.check();
    await service.notifier!.check();
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toMatch(
      /^\[bpm-webhooks\] CLEARED: dead letters of "core-posting": event \d+, received since, succeeded \(open since .*; 3 event\(s\) went dead meanwhile\)\. Console: https:\/\/webhooks\.bank\.example\/console\/#\/configs\/(\d+)$/,
    );
    expect(messages()[1]).toContain(`/configs/${config.id}`);
  });

  it('announces a configuration whose failure ratio crosses the threshold once, and its clearing once', async () => {
    const service = await start({ failureRatio: 0.5, failureMinEvents: 4, failureWindowMs: 15 * 60_000 });
    await createConfig(service.baseUrl, {
      key: 'ratio',
      path: '/ratio',
      action: 'POST',
      ...failOnDemand,
    });
    const send = (fail: boolean) => callWebhook(service.baseUrl, 'ratio', { body: JSON.stringify({ fail, bodyMarker }) });
    for (const fail of [true, true, false]) await send(fail);
    await service.notifier!.check();
    expect(messages()).toEqual([]); // 3 events: below the minimum of 4

    expect((await send(true)).status).toBe(500);
    await service.notifier!.check();
    await service.notifier!.check();
    expect(messages()).toHaveLength(1);
    expect(messages()[0]).toMatch(
      /^\[bpm-webhooks\] FAILING: 3 of 4 events of "ratio" received in the last 15 minutes failed or are being retried \(75%; threshold 50%\)\. Console: https:\/\/webhooks\.bank\.example\/console\/#\/configs\/\d+$/,
    );

    // Sixteen minutes on, the window holds only new events: two succeed, one fails.
    offsetMs = 16 * 60_000;
    for (const fail of [false, false, true]) await send(fail);
    await service.notifier!.check();
    await service.notifier!.check();
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toMatch(
      /^\[bpm-webhooks\] CLEARED: failure ratio of "ratio": 1 of 3 events failed in the last 15 minutes/,
    );
    expect(messages().join('\n')).not.toContain(bodyMarker);
  });

  it('announces a source silent past its expected interval once, and clears when an event arrives', async () => {
    const service = await start({ expectedIntervalsMs: new Map([['quiet-source', 60 * 60_000]]) });
    await createConfig(service.baseUrl, {
      key: 'Quiet-Source',
      path: '/quiet',
      action: 'POST',
      ...failOnDemand,
    });
    await service.notifier!.check();
    expect(messages()).toEqual([]);

    offsetMs = 61 * 60_000;
    await service.notifier!.check();
    await service.notifier!.check();
    expect(messages()).toHaveLength(1);
    expect(messages()[0]).toMatch(
      /^\[bpm-webhooks\] SILENT: "Quiet-Source" has received no event for 6\d minutes \(expected at least every 60\)\. Console: /,
    );

    expect((await callWebhook(service.baseUrl, 'quiet', { body: '{}' })).status).toBe(200);
    await service.notifier!.check();
    await service.notifier!.check();
    expect(messages()).toHaveLength(2);
    expect(messages()[1]).toMatch(/^\[bpm-webhooks\] CLEARED: silence of "Quiet-Source": an event arrived at /);
  });

  it('sends one message between two services on one database that see the same conditions at once', async () => {
    const a = await start({ failureMinEvents: 2 });
    const b = await start({ failureMinEvents: 2 });
    await createConfig(a.baseUrl, {
      key: 'shared',
      path: '/shared',
      action: 'POST',
      ...failOnDemand,
      responseMode: 'async',
      maxAttempts: 1,
    });
    await eventually(async () =>
      (await callWebhook(b.baseUrl, 'shared', { body: '{"fail":true}' })).status === 202 ? true : undefined,
    );
    for (let n = 0; n < 5; n++) await callWebhook((n % 2 ? a : b).baseUrl, 'shared', { body: '{"fail":true}' });
    await eventually(async () => ((await countEvents(a.baseUrl, 'dead')) === 6 ? true : undefined), 20_000);
    await Promise.all([a.notifier!.check(), b.notifier!.check(), a.notifier!.check(), b.notifier!.check()]);

    const texts = messages();
    expect(texts.filter((text) => text.includes('DEAD:'))).toHaveLength(1);
    expect(texts.filter((text) => text.includes('FAILING:'))).toHaveLength(1);
    expect(texts).toHaveLength(2);
  });

  it('clears the conditions of a deleted configuration, so a new one with its key is announced again', async () => {
    const service = await start({ failureMinEvents: 1 });
    const fields = { key: 'reused', path: '/reused', action: 'POST', ...failOnDemand };
    const first = await createConfig(service.baseUrl, fields);
    await callWebhook(service.baseUrl, 'reused', { body: '{"fail":true}' });
    await service.notifier!.check();
    expect(await command(service.baseUrl, 'DeleteWebHookConfigCommand', { id: first.id })).toMatchObject({ success: true });
    await service.notifier!.check();
    await createConfig(service.baseUrl, fields);
    await eventually(async () =>
      (await callWebhook(service.baseUrl, 'reused', { body: '{"fail":true}' })).status === 500 ? true : undefined,
    );
    await service.notifier!.check();
    expect(messages().map((text) => text.slice(0, 40))).toEqual([
      '[bpm-webhooks] FAILING: 1 of 1 events of',
      '[bpm-webhooks] CLEARED: failure ratio of',
      '[bpm-webhooks] FAILING: 1 of 1 events of',
    ]);
    expect(messages()[1]).toContain('the configuration was disabled or deleted');
  });

  it('follows no redirect from the notify URL, and logs its host but never its path', async () => {
    const lines: string[] = [];
    const log = pino(
      { level: 'info' },
      new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString())) }),
    );
    const secretPath = '/redirect?to=http://127.0.0.1:1/elsewhere&token=SECRET-PATH';
    const service = await start({ webhookUrl: `http://127.0.0.1:${receiver.port}${secretPath}`, failureMinEvents: 1 }, log);
    await createConfig(service.baseUrl, {
      key: 'moved',
      path: '/moved',
      action: 'POST',
      ...failOnDemand,
    });
    await callWebhook(service.baseUrl, 'moved', { body: '{"fail":true}' });
    await service.notifier!.check();
    expect(receiver.received.map((request) => request.path)).toEqual(['/redirect']);
    const warning = lines.find((line) => line.includes('notification not sent'));
    expect(warning).toContain(`127.0.0.1:${receiver.port}`);
    expect(lines.join('\n')).not.toContain('SECRET-PATH');
  });

  it('keeps a message whose send failed and sends it at the next check', async () => {
    const service = await start({ webhookUrl: `http://127.0.0.1:${receiver.port}/fail`, failureMinEvents: 1 });
    await createConfig(service.baseUrl, {
      key: 'flaky',
      path: '/flaky',
      action: 'POST',
      ...failOnDemand,
    });
    await callWebhook(service.baseUrl, 'flaky', { body: '{"fail":true}' });
    await service.notifier!.check();
    await service.notifier!.check();
    // The receiver answered 500 twice: the condition is still unsent, tried at each check.
    expect(receiver.received.filter((request) => request.path === '/fail')).toHaveLength(2);
    const [row] = await database.db('notification_conditions').select('notified_at');
    expect(row?.notified_at).toBeNull();
  });
});

describe('the notify URL', () => {
  it('is refused unless FORWARD_ALLOWED_HOSTS allows its host, naming the host but not the secret path', () => {
    const url = 'https://hooks.slack.com/services/T0001/B0001/XyZsecret';
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: url })).toThrow(
      'NOTIFY_WEBHOOK_URL: its host hooks.slack.com is not in FORWARD_ALLOWED_HOSTS: notifications go through the same allow list as ForwardWebhookCommand, so add hooks.slack.com (or *.slack.com) there',
    );
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: url })).not.toThrow(/XyZsecret/);
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: url, FORWARD_ALLOWED_HOSTS: 'partner.com:443' })).toThrow(/NOTIFY_WEBHOOK_URL/);
    expect(loadConfig({ NOTIFY_WEBHOOK_URL: url, FORWARD_ALLOWED_HOSTS: '*.slack.com' }).notify.webhookUrl).toBe(url);
    expect(
      loadConfig({ NOTIFY_WEBHOOK_URL: 'http://10.0.0.5:8065/hooks/x', FORWARD_ALLOWED_HOSTS: '10.0.0.0/8' }).notify.webhookUrl,
    ).toBe('http://10.0.0.5:8065/hooks/x');
  });

  it('reads the other settings and refuses nonsense', () => {
    const { notify } = loadConfig({
      NOTIFY_EXPECTED_INTERVALS: 'remita-payment=60, Mono-Callback = 5',
      PUBLIC_URL: 'https://w.bank/',
    });
    expect([...notify.expectedIntervalsMs]).toEqual([
      ['remita-payment', 3_600_000],
      ['mono-callback', 300_000],
    ]);
    expect(notify.publicUrl).toBe('https://w.bank');
    expect(notify.failureRatio).toBe(0.5);
    expect(() => loadConfig({ NOTIFY_EXPECTED_INTERVALS: 'remita-payment=0' })).toThrow(/NOTIFY_EXPECTED_INTERVALS/);
    expect(() => loadConfig({ NOTIFY_EXPECTED_INTERVALS: 'remita-payment' })).toThrow(/NOTIFY_EXPECTED_INTERVALS/);
    expect(() => loadConfig({ NOTIFY_FAILURE_RATIO: '0' })).toThrow(/NOTIFY_FAILURE_RATIO/);
    expect(() => loadConfig({ NOTIFY_FAILURE_RATIO: '1.5' })).toThrow(/NOTIFY_FAILURE_RATIO/);
    expect(() => loadConfig({ NOTIFY_WEBHOOK_URL: 'file:///etc/passwd' })).toThrow(/NOTIFY_WEBHOOK_URL/);
  });

  it('stops the real service at startup when its host is not allowed', async () => {
    await expect(
      startChildService({ DATABASE_URL: 'memory://', NOTIFY_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/XyZsecret' }),
    ).rejects.toThrow(
      /exited with 1: Invalid configuration: NOTIFY_WEBHOOK_URL: its host hooks.slack.com is not in FORWARD_ALLOWED_HOSTS/,
    );
  });
});
