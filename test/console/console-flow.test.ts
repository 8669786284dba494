import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { approvalProcess } from '../fixtures/bpmn/definitions.js';
import { type Chromium, launchChromium } from '../helpers/chromium.js';
import { signInToConsole } from '../helpers/console-sign-in.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createManagementClient } from '../helpers/management-clients.js';
import { type RunningService, startTestService } from '../helpers/test-service.js';
import { createMemoryTracing } from '../helpers/test-tracing.js';
import { mintToken } from '../helpers/tokens.js';
import { approvalWithDiagram } from './approval-diagram.js';

/** Playwright waits up to this long for what a test expects to appear. */
const appearMs = 15_000;

describe('the web console, in Debian chromium, against the real service', () => {
  let database: TestDatabase;
  let service: RunningService;
  let browser: Chromium;
  let page: Page;
  let traces: Awaited<ReturnType<typeof createMemoryTracing>>;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    // A replay is picked up by the worker's next poll: keep it short.
    traces = await createMemoryTracing();
    service = await startTestService(database.db, {
      delivery: { workerPollMs: 50 },
      tracing: traces.tracing,
      traceUrlTemplate: 'https://tempo.example/trace/{traceId}?from=console',
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    page = await browser.context.newPage();
    page.setDefaultTimeout(appearMs);
  });

  const signIn = (scope: string) => signInToConsole(page, service.baseUrl, scope);

  it('creates a configuration, sends it a test webhook, finds the event, reads its trace, replays it and sees the second attempt', async () => {
    await signIn('webhooks:read webhooks:write events:read events:write');
    expect(page.url()).not.toMatch(/ey[A-Za-z0-9_-]{10,}/);

    await page.getByRole('link', { name: 'Configurations' }).click();
    await page.getByRole('link', { name: 'New configuration' }).click();
    await page.getByLabel('Key', { exact: true }).fill('orders-paid');
    await page.getByLabel('Path', { exact: true }).fill('orders/paid');
    await page.getByLabel('Execution type', { exact: true }).selectOption({ label: '2: Script' });
    // The service's compile check, shown beside the script.
    await page.getByLabel('Script', { exact: true }).fill('return {');
    await page.getByRole('button', { name: 'Create configuration' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Script errors' }).textContent()).toMatch(/SyntaxError/);
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('Validation failed');

    await page
      .getByLabel('Script', { exact: true })
      .fill("console.log('paid', body.data.reference);\nreturn { accepted: body.data.reference };");
    await page.getByRole('button', { name: 'Create configuration' }).click();
    await page.getByRole('heading', { name: 'Configuration orders-paid' }).waitFor();

    await page.getByRole('button', { name: 'Send test webhook' }).click();
    await expect.poll(() => page.getByTestId('test-status').textContent()).toBe('200');
    await expect.poll(() => page.locator('.answer pre').textContent()).toContain('"accepted": "T-1001"');
    await page.getByTestId('stored-event').waitFor();

    // Found again from the list, by its configuration.
    await page.getByRole('link', { name: 'Events' }).click();
    await page.getByLabel('Configuration key', { exact: true }).fill('orders-paid');
    // The time range filters on the service: nothing was received before 2001.
    await page.getByLabel('Received before', { exact: true }).fill('2001-01-01T00:00:00');
    await expect.poll(() => page.getByRole('table').locator('caption').textContent()).toBe('0 events');
    await page.getByLabel('Received before', { exact: true }).fill('');
    await expect.poll(() => page.getByRole('table').locator('caption').textContent()).toBe('1 event');
    // Text in the raw body, searched by the service: the sample's reference, then one nobody sent.
    await page.getByLabel('Text in the body', { exact: true }).fill('T-9999');
    await expect.poll(() => page.getByRole('table').locator('caption').textContent()).toBe('0 events');
    await page.getByLabel('Text in the body', { exact: true }).fill('"T-1001"');
    await expect.poll(() => page.getByRole('table').locator('caption').textContent()).toBe('1 event');
    await page
      .getByRole('link', { name: /^Event \d+$/ })
      .first()
      .click();
    await expect.poll(() => page.getByTestId('event-status').textContent()).toBe('succeeded');
    await expect.poll(() => page.locator('pre.body').textContent()).toContain('"reference": "T-1001"');
    // The trace id of the event's send span, linked through TRACE_URL_TEMPLATE.
    const sends = traces.spans().filter((span) => span.name.startsWith('send '));
    expect(sends).toHaveLength(1);
    await expect
      .poll(() => page.getByTestId('trace-id').getAttribute('href'))
      .toBe(`https://tempo.example/trace/${sends[0]!.spanContext().traceId}?from=console`);

    const trace = page.getByRole('list', { name: 'Decision trace' });
    await expect
      .poll(() => trace.getByRole('heading').allTextContents())
      .toEqual(['Match', 'Caller IP', 'Verification', 'Deduplication', 'Attempt 1: succeeded']);
    await trace.getByText('Logs').click();
    await expect.poll(() => trace.locator('details pre').first().textContent()).toContain('T-1001');

    await page.getByRole('button', { name: 'Replay…' }).click();
    const dialog = page.getByRole('dialog', { name: /Replay event/ });
    await dialog.getByRole('button', { name: 'Replay' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /replay/i })
      .waitFor();
    await trace.getByRole('heading', { name: 'Attempt 2: succeeded' }).waitFor();
    await trace.getByRole('heading', { name: 'Replayed' }).waitFor();

    // The overview's chart counts the one event received, and says so in a table too.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('img', { name: 'Events per minute over the last hour' }).waitFor();
    await page.getByText('The counts as a table').click();
    const perMinute = page.getByTestId('per-minute-table');
    await expect.poll(() => perMinute.locator('tbody td').allTextContents()).toEqual(['1', '0', '0']);
    // The per-configuration counts come from the same overview call: succeeded, failed, dead, queued.
    const ordersRow = page.getByRole('row', { name: /orders-paid/ });
    await expect.poll(() => ordersRow.locator('td').allTextContents()).toEqual(['1', '0', '0', '0']);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Bearer token', { exact: true }).waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('shows a token without webhooks:write the service refusing every edit, in its own words', async () => {
    const admin = createManagementClient('connect', service.baseUrl, service.adminToken);
    const created = await admin.call('CreateWebHookConfigCommand', {
      key: 'read-only-view',
      path: 'read/only',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    expect(created.success).toBe(true);
    await signIn('webhooks:read events:read');
    await page.getByRole('link', { name: 'Configurations' }).click();
    await page.getByRole('link', { name: 'read-only-view' }).click();

    await page.getByRole('button', { name: 'Deactivate' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Could not change the state' });
    await expect.poll(() => refusal.textContent()).toContain('Forbidden');
    await expect.poll(() => refusal.textContent()).toContain('Not allowed to run DeactivateWebHookConfigCommand');

    await page.getByLabel('Description', { exact: true }).fill('changed by a reader');
    await page.getByRole('button', { name: 'Save changes' }).click();
    const saveRefusal = page.getByRole('alert').filter({ hasText: 'The service refused the configuration' });
    await expect.poll(() => saveRefusal.textContent()).toContain('Not allowed to run UpdateWebHookConfigCommand');

    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'Could not delete' }).textContent())
      .toContain('Not allowed to run DeleteWebHookConfigCommand');
  });

  it('names every control on every page, and confirms a replay by keyboard alone, giving focus back after Escape', async () => {
    const admin = createManagementClient('connect', service.baseUrl, service.adminToken);
    const created = await admin.call('CreateWebHookConfigCommand', {
      key: 'keyboard-check',
      path: 'keyboard/check',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    const configId = (created.data as { id: number }).id;
    const answer = await fetch(`${service.baseUrl}/api/webhook/keyboard/check`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'reference=K-1&amount=10',
    });
    expect(answer.status).toBe(200);
    const events = await admin.call('GetWebhookEventListQuery', { key: 'keyboard-check' });
    const eventId = (events.data as { items: { id: number }[] }).items[0]!.id;
    await signIn('webhooks:read webhooks:write events:read events:write');

    for (const [route, ready] of [
      ['#/', 'Overview'],
      ['#/events', 'Events'],
      [`#/events/${eventId}`, `Event ${eventId}`],
      ['#/configs', 'Configurations'],
      ['#/configs/new', 'New configuration'],
      [`#/configs/${configId}`, 'Configuration keyboard-check'],
    ] as const) {
      await page.goto(`${service.baseUrl}/console/${route}`);
      await page.getByRole('heading', { name: ready, exact: true }).waitFor();
      expect({ route, unnamed: await unnamedControls(page) }).toEqual({ route, unnamed: [] });
    }

    await page.goto(`${service.baseUrl}/console/#/events/${eventId}`);
    // The form body is shown one field a line.
    await expect.poll(() => page.locator('pre.body').textContent()).toBe('reference = K-1\namount = 10');
    const replay = page.getByRole('button', { name: 'Replay…' });
    await replay.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Replay event ${eventId}?` });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator(':focus').textContent()).toBe('Replay…');

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    // Escape's close event comes a task later: an Enter pressed before it arrives must still open the
    // dialog (before the console ignored a late close event, this loop stuck within ten rounds).
    for (let round = 0; round < 20; round++) {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Enter');
      await dialog.waitFor();
    }
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Replay');
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'Decision trace' }).getByRole('heading', { name: 'Attempt 2: succeeded' }).waitFor();
  });

  it('draws an instance on its definition diagram, the passed activities and the waiting task marked, within the CSP', async () => {
    const admin = createManagementClient('connect', service.baseUrl, service.adminToken);
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'drawn-approval', bpmnXml: approvalWithDiagram });
    expect(deployed.errors).toEqual([]);
    const undrawn = await admin.call('DeployProcessDefinitionCommand', { name: 'undrawn-approval', bpmnXml: approvalProcess });
    expect(undrawn.errors).toEqual([]);
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: (deployed.data as { id: number }).id,
      variables: { amount: 900 },
    });
    expect(started.data).toMatchObject({ status: 'WAITING' });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    const refusedByPolicy: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) refusedByPolicy.push(message.text());
    });
    await signIn('processes:read');

    await page.getByRole('link', { name: 'Processes', exact: true }).click();
    await page.getByRole('link', { name: `Instance ${instanceId}` }).click();
    const diagram = page.getByTestId('bpmn-diagram');
    await diagram.locator('[data-element-id="approve"].activity-current').waitFor();
    await diagram.locator('[data-element-id="start"].activity-done').waitFor();
    expect(await diagram.locator('[data-element-id="end"].activity-done, [data-element-id="end"].activity-current').count()).toBe(
      0,
    );
    expect(await diagram.getAttribute('aria-label')).toMatch(/^Diagram of drawn-approval/);
    await expect.poll(() => page.getByRole('definition').filter({ hasText: 'Approve' }).count()).toBeGreaterThan(0);

    // A definition exported without its layout is said to be undrawable, in words.
    await page.getByRole('link', { name: 'Processes', exact: true }).click();
    await page.getByRole('link', { name: 'undrawn-approval' }).click();
    await expect.poll(() => page.locator('figcaption.error').textContent()).toMatch(/^The diagram cannot be drawn: /);
    expect(refusedByPolicy).toEqual([]);
  });

  it('pauses a configuration, shows it paused with how many wait and a resume button in the list, and resumes it', async () => {
    const operator = createManagementClient(
      'gateway',
      service.baseUrl,
      await mintToken({ sub: 'setup', scope: 'webhooks:write' }),
    );
    const created = await operator.call('CreateWebHookConfigCommand', {
      key: 'core-window',
      path: 'core/window',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      responseMode: 'async',
    });
    operator.close();
    const id = (created.data as { id: number }).id;
    await signIn('webhooks:read webhooks:write events:read');
    await page.goto(`${service.baseUrl}/console/#/configs/${id}`);
    await page.getByRole('button', { name: 'Pause core-window' }).click();
    await expect.poll(() => page.locator('output.notice').textContent()).toBe('Webhook delivery paused successfully');
    // Accepted while paused: it waits.
    const accepted = await fetch(`${service.baseUrl}/api/webhook/core/window`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    expect(accepted.status).toBe(202);

    await page.getByRole('link', { name: 'Configurations', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'core-window' });
    await expect.poll(() => row.locator('.status-queued').textContent()).toBe('paused, 1 waiting');
    await row.getByRole('button', { name: 'Resume core-window' }).click();
    await expect.poll(() => row.locator('.status-queued').count()).toBe(0);
  });

  it('releases a parked ordering key and resumes the paused configuration from the list, and both events then run', async () => {
    const operator = createManagementClient(
      'gateway',
      service.baseUrl,
      await mintToken({ sub: 'setup', scope: 'webhooks:write events:read' }),
    );
    const created = await operator.call('CreateWebHookConfigCommand', {
      key: 'core-mandates',
      path: 'core/mandates',
      action: 'POST',
      executionType: 2,
      executionCode: "throw new Error('core banking is down');",
      responseMode: 'async',
      orderingKey: 'body:/mandate',
      maxAttempts: 1,
      maxConcurrency: 2,
      maxPerSecond: 5,
    });
    const id = (created.data as { id: number }).id;
    const post = async (n: number) => {
      const response = await fetch(`${service.baseUrl}/api/webhook/core/mandates`, {
        method: 'POST',
        body: JSON.stringify({ mandate: 'MDT-7', n }),
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(202);
      return ((await response.json()) as { data: { eventId: number } }).data.eventId;
    };
    const eventStatus = async (eventId: number) =>
      ((await operator.call('GetWebhookEventByIdQuery', { id: eventId })).data as { status: string }).status;
    // The first dies (one attempt) and parks its key; the second waits behind it.
    const first = await post(1);
    await expect.poll(() => eventStatus(first)).toBe('dead');
    await operator.call('PauseWebHookDeliveryCommand', { id });
    const second = await post(2);
    await operator.call('UpdateWebHookConfigCommand', { id, executionCode: 'return body;' });

    await signIn('webhooks:read webhooks:write events:read events:write');
    await page.getByRole('link', { name: 'Configurations', exact: true }).click();
    const row = page.getByRole('row').filter({ hasText: 'core-mandates' });
    await expect.poll(() => row.locator('.muted').last().textContent()).toBe('at most 2 at once, 5/s');
    const parked = page.getByRole('region', { name: 'Parked ordering keys' }).getByRole('row').filter({ hasText: 'MDT-7' });
    await expect.poll(() => parked.getByRole('cell').nth(3).textContent()).toBe('1');
    await parked.getByRole('button', { name: 'Release MDT-7' }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'Parked ordering keys' }).locator('output.notice').textContent())
      .toBe('Ordering key released successfully');
    await expect.poll(() => parked.count()).toBe(0);
    // Released while paused: nothing runs until the resume.
    expect(await eventStatus(first)).toBe('queued');
    await expect.poll(() => row.locator('.status-queued').textContent()).toBe('paused, 2 waiting');

    await row.getByRole('button', { name: 'Resume core-mandates' }).click();
    await expect.poll(() => row.locator('.status-queued').count()).toBe(0);
    await expect.poll(() => eventStatus(second), { timeout: appearMs }).toBe('succeeded');
    expect(await eventStatus(first)).toBe('succeeded');
    operator.close();
  });
});

/**
 * Inputs, selects, text areas and buttons without an accessible name (a label, aria-label(ledby) or
 * text). A string, as it runs in the page, whose DOM types the tests' Node program does not have.
 */
function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
    .filter((control) => !(control.labels?.length > 0) && !control.getAttribute('aria-label')
      && !control.getAttribute('aria-labelledby') && !(control.tagName === 'BUTTON' && control.textContent.trim() !== ''))
    .map((control) => control.outerHTML.slice(0, 120))`);
}
