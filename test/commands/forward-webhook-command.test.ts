import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseForwardAllowList } from '../../src/router/forward-allow-list.js';
import { forwardRequest } from '../../src/commands/native/forward/forward-request.js';
import { runWebhookCommand } from '../../src/commands/run-webhook-command.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { dataOf, executionRequest, scriptRequest } from '../helpers/execution-requests.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';

describe('ForwardWebhookCommand', () => {
  let database: TestDatabase;
  let service: RunningService;
  let target: Awaited<ReturnType<typeof startForwardTarget>>;
  beforeAll(async () => {
    target = await startForwardTarget();
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, forwardAllowedHosts: ['127.0.0.1', 'partner.example.com'], forwardTimeoutMs: 300 },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    await target?.close();
  });

  const forward = (url: string) =>
    service.execution.execute(
      executionRequest({ executionType: 1, commandChain: [{ commandName: 'ForwardWebhookCommand', parameters: { url } }] }),
    );

  it('POSTs the raw body to a listed host and answers its status and body', async () => {
    const result = await forward(`http://127.0.0.1:${target.port}/ok`);
    expect(result.success).toBe(true);
    const raw = '{"event":"charge.success","data":{"amount":5000,"reference":"ref-1"}}';
    expect(dataOf(result)).toEqual({ status: 200, body: { received: raw, contentType: 'application/json' } });
    expect(target.received.at(-1)).toMatchObject({ method: 'POST', path: '/ok', body: raw });
  });

  it('refuses a host that is not listed, without connecting', async () => {
    const before = target.received.length;
    const result = await forward(`http://localhost:${target.port}/ok`);
    expect(result).toMatchObject({
      success: false,
      errors: [`Step 1 (ForwardWebhookCommand) failed: localhost:${target.port} is not in FORWARD_ALLOWED_HOSTS`],
    });
    expect(target.received.length).toBe(before);
  });

  it('follows a redirect on the list but refuses one off the list', async () => {
    const inside = await forward(`http://127.0.0.1:${target.port}/redirect?to=/ok`);
    expect(inside.success).toBe(true);
    expect(target.received.at(-1)).toMatchObject({ method: 'POST', path: '/ok' });

    const before = target.received.length;
    const outside = await forward(`http://127.0.0.1:${target.port}/redirect?to=http://localhost:${target.port}/ok`);
    expect(outside).toMatchObject({
      success: false,
      errors: [`Step 1 (ForwardWebhookCommand) failed: localhost:${target.port} is not in FORWARD_ALLOWED_HOSTS`],
    });
    expect(target.received.slice(before).map((request) => request.path)).toEqual(['/redirect']);
  });

  it('gives up after FORWARD_TIMEOUT_MS', async () => {
    const result = await forward(`http://127.0.0.1:${target.port}/slow`);
    expect(result.errors).toEqual([
      `Step 1 (ForwardWebhookCommand) failed: 127.0.0.1:${target.port} did not answer within 300 ms`,
    ]);
  });

  it('stops the request when its signal aborts, and says it was cancelled', async () => {
    const controller = new AbortController();
    const allowList = parseForwardAllowList(['127.0.0.1']);
    const arrived = target.nextRequest();
    const forwarding = forwardRequest(
      `http://127.0.0.1:${target.port}/slow`,
      { body: '{}', headers: {} },
      {
        allowList,
        timeoutMs: 5_000,
        signal: controller.signal,
      },
    );
    const slow = await arrived;
    expect(slow.path).toBe('/slow');
    controller.abort();
    await expect(forwarding).rejects.toMatchObject({ errors: [`The forward to 127.0.0.1:${target.port} was cancelled`] });
    await slow.closed;
  });

  it('cancels the forward of a webhook command whose execution is aborted', async () => {
    const controller = new AbortController();
    const arrived = target.nextRequest();
    const running = runWebhookCommand(
      service.bus,
      'ForwardWebhookCommand',
      { parameters: { url: `http://127.0.0.1:${target.port}/slow` } },
      {
        key: 'paystack-charge',
        requestId: 'event-7',
        permissions: ['webhooks:write'],
        signal: controller.signal,
      },
    );
    const slow = await arrived;
    controller.abort();
    // Not the 300 ms FORWARD_TIMEOUT_MS: the execution's signal ended the request.
    expect(await running).toMatchObject({ success: false, errors: [`The forward to 127.0.0.1:${target.port} was cancelled`] });
    await slow.closed;
  });

  it('ends a chain at its config timeout, even in the middle of a step', async () => {
    const result = await service.execution.execute(
      executionRequest({
        executionType: 1,
        timeoutMs: 100,
        commandChain: [
          { commandName: 'EchoCommand' },
          { commandName: 'ForwardWebhookCommand', parameters: { url: `http://127.0.0.1:${target.port}/slow` } },
          { commandName: 'EchoCommand' },
        ],
      }),
    );
    // The chain's 100 ms, not the step's own 300 ms forward timeout, ended it.
    expect(result).toMatchObject({ success: false, errors: ['Chain timed out after 100 ms'] });
    expect(result.steps.map((step) => [step.commandName, step.success])).toEqual([
      ['EchoCommand', true],
      ['ForwardWebhookCommand', false],
    ]);
  });

  it('fails on a non-2xx answer, so a chain stops there', async () => {
    const result = await forward(`http://127.0.0.1:${target.port}/fail`);
    expect(result.success).toBe(false);
    expect(result.errors[0]).toMatch(new RegExp(`failed: 127\\.0\\.0\\.1:${target.port} answered 500: `));
  });

  it('refuses non-http URLs and needs a url', async () => {
    expect((await forward('file:///etc/passwd')).errors).toEqual([
      'Step 1 (ForwardWebhookCommand) failed: Only http and https URLs can be forwarded to',
    ]);
    const missing = await service.execution.execute(
      executionRequest({ executionType: 1, commandChain: [{ commandName: 'ForwardWebhookCommand' }] }),
    );
    expect(missing.errors).toEqual(['Step 1 (ForwardWebhookCommand) failed: parameters.url is required']);
  });

  it('is callable from a script with doCmd', async () => {
    const result = await service.execution.execute(
      scriptRequest(`const reply = doCmd('ForwardWebhookCommand', { parameters: { url: '${`http://127.0.0.1:${target.port}/ok`}' }, body: { n: 1 } });
        return { status: reply.data.status, received: reply.data.body.received };`),
    );
    expect(dataOf(result)).toEqual({ status: 200, received: '{"n":1}' });
  });

  it('refuses a listed name that resolves to a loopback address that is not listed', async () => {
    const allowList = parseForwardAllowList(['localhost']);
    await expect(
      forwardRequest(`http://localhost:${target.port}/ok`, { body: '{}', headers: {} }, { allowList, timeoutMs: 1_000 }),
    ).rejects.toMatchObject({
      code: 'execution_failed',
      errors: [expect.stringMatching(/^localhost resolves to (127\.0\.0\.1|::1) \(loopback\), which is not listed$/)],
    });
    const listed = parseForwardAllowList(['localhost', '127.0.0.0/8', '::1']);
    const response = await forwardRequest(
      `http://localhost:${target.port}/ok`,
      { body: '{}', headers: {} },
      { allowList: listed, timeoutMs: 1_000 },
    );
    expect(response.status).toBe(200);
  });
});

describe('forward allow list', () => {
  const list = parseForwardAllowList([
    'hooks.partner.com',
    'api.bank.ng:8443',
    '*.nibss-plc.com.ng',
    '10.20.0.0/16',
    '2001:db8::1',
  ]);

  it('matches names, ports, wildcard subdomains and listed addresses', () => {
    expect(list.allowsHost('HOOKS.partner.com', 443)).toBe(true);
    expect(list.allowsHost('api.bank.ng', 8443)).toBe(true);
    expect(list.allowsHost('api.bank.ng', 443)).toBe(false);
    expect(list.allowsHost('nip.nibss-plc.com.ng', 443)).toBe(true);
    expect(list.allowsHost('nibss-plc.com.ng.evil.com', 443)).toBe(false);
    expect(list.allowsHost('10.20.3.4', 80)).toBe(true);
    expect(list.allowsHost('10.21.3.4', 80)).toBe(false);
    expect(list.allowsHost('evil.com', 443)).toBe(false);
  });

  it('lets public addresses through and private, loopback and link-local ones only when listed', () => {
    expect(list.allowsAddress('41.58.130.10')).toBe(true);
    expect(list.allowsAddress('10.20.9.9')).toBe(true);
    expect(list.allowsAddress('10.30.9.9')).toBe(false);
    expect(list.allowsAddress('127.0.0.1')).toBe(false);
    expect(list.allowsAddress('169.254.169.254')).toBe(false);
    expect(list.allowsAddress('::ffff:127.0.0.1')).toBe(false);
    expect(list.allowsAddress('fd00::1')).toBe(false);
    expect(list.allowsAddress('2001:db8::1')).toBe(true);
  });
});
