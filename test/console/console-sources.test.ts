import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from '../helpers/chromium.js';
import { signInToConsole } from '../helpers/console-sign-in.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type RunningService, startTestService } from '../helpers/test-service.js';
import { createConfig } from '../helpers/webhook-calls.js';

/** Playwright waits up to this long for what a test expects to appear. */
const appearMs = 15_000;

describe('the console with catalog sources, signed tests and silent configurations, in Debian chromium', () => {
  let database: TestDatabase;
  let service: RunningService;
  let browser: Chromium;
  let page: Page;
  // The service's clock runs this far from the real one (a configuration created "two hours ago").
  let offsetMs = 0;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { clock: () => new Date(Date.now() + offsetMs) });
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

  const signIn = () => signInToConsole(page, service.baseUrl, 'webhooks:read webhooks:write events:read');

  it('picks a catalog source, shows what it needs, and a test webhook signed by the service passes its verification', async () => {
    await signIn();
    await page.getByRole('link', { name: 'Configurations' }).click();
    await page.getByRole('link', { name: 'New configuration' }).click();
    await page.getByLabel('Key', { exact: true }).fill('paystack-in');
    await page.getByLabel('Path', { exact: true }).fill('paystack/in');
    // Paystack's own addresses are its default allow-list; the service sends the test from loopback.
    await page.getByLabel('Allowed caller IPs', { exact: true }).fill('127.0.0.1,::1');
    await page.getByLabel('Expected every', { exact: true }).fill('PT15M');
    // No scheme, header or prefix to spell out once a source is chosen: only its secret.
    await page.getByLabel('Source', { exact: true }).selectOption({ label: 'Paystack' });
    await expect.poll(() => page.getByTestId('source-header').textContent()).toBe('x-paystack-signature');
    await expect.poll(() => page.getByTestId('source-dedup-key').textContent()).toBe('body:/event + body:/data/id');
    expect(await page.getByLabel('Scheme', { exact: true }).count()).toBe(0);
    await page.getByLabel('Secret', { exact: true }).fill('sk_test_console_source');
    await page.getByRole('button', { name: 'Create configuration' }).click();
    await page.getByRole('heading', { name: 'Configuration paystack-in' }).waitFor();
    await expect.poll(() => page.getByTestId('expected-every').first().textContent()).toContain('expects a webhook every PT15M');

    // Before, the browser posted unsigned and a verified configuration always answered 401.
    await page.getByRole('button', { name: 'Send test webhook' }).click();
    await expect.poll(() => page.getByTestId('test-status').textContent()).toBe('200');
    await expect.poll(() => page.getByTestId('signed-headers').textContent()).toContain('x-paystack-signature');
    await page.getByTestId('stored-event').waitFor();
    expect(await page.content()).not.toContain('sk_test_console_source');

    // The saved form shows the source again, and an edit keeps it.
    await expect.poll(() => page.getByLabel('Source', { exact: true }).inputValue()).toBe('paystack');
  });

  it('shows "silent for" on a configuration that has gone longer than expectedEvery without an accepted webhook', async () => {
    offsetMs = -2 * 3_600_000;
    await createConfig(service.baseUrl, {
      key: 'quiet-remita',
      path: 'quiet',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      expectedEvery: 'PT30M',
    });
    offsetMs = 0;
    await signIn();
    await page.getByRole('link', { name: 'Configurations' }).click();
    const row = page.getByRole('row').filter({ hasText: 'quiet-remita' });
    await expect.poll(() => row.getByTestId('silent-badge').textContent()).toBe('silent for 2 h');
    // One that heard from its source within its interval has no badge.
    const heard = page.getByRole('row').filter({ hasText: 'paystack-in' });
    expect(await heard.getByTestId('silent-badge').count()).toBe(0);
    await row.getByRole('link', { name: 'quiet-remita' }).click();
    await expect.poll(() => page.getByTestId('silent-badge').getAttribute('title')).toContain('expects a webhook every PT30M');
  });
});
