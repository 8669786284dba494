import { createHmac } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from '../helpers/chromium.js';
import { signInToConsole } from '../helpers/console-sign-in.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { type RunningService, startTestService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

/** Playwright waits up to this long for what a test expects to appear. */
const appearMs = 20_000;
const body = '{"event":"charge.success"}';

describe('the console rotates a configuration’s secret and shows the new one once', () => {
  let database: TestDatabase;
  let service: RunningService;
  let browser: Chromium;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { startWorker: false });
    browser = await launchChromium();
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.baseUrl });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    page = await browser.context.newPage();
    page.setDefaultTimeout(appearMs);
    await signInToConsole(page, service.baseUrl, 'webhooks:read webhooks:write');
  });

  it('rotates with a generated secret, copies it, forgets it on Done, and both secrets verify meanwhile', async () => {
    const config = await createConfig(service.baseUrl, {
      key: 'paid',
      path: '/paid',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'hmac-sha256', secret: 'the-old-secret-0123', header: 'x-signature' },
    });
    await page.goto(`${service.baseUrl}/console/#/configs/${config.id}`);
    const secrets = page.getByRole('region', { name: 'Secrets' });
    await expect.poll(() => secrets.textContent()).toContain('1 accepted');

    await secrets.getByRole('button', { name: 'Rotate secret…' }).click();
    await secrets.getByLabel('Old secrets stay valid for').selectOption({ label: '1 hour' });
    await secrets.getByRole('button', { name: 'Rotate', exact: true }).click();
    const shown = secrets.getByLabel('New secret');
    await expect.poll(() => shown.inputValue()).toMatch(/^[0-9a-f]{64}$/);
    const secret = await shown.inputValue();
    await secrets.getByRole('button', { name: 'Copy secret' }).click();
    await secrets.getByText('Copied').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await expect.poll(() => secrets.textContent()).toMatch(/2 accepted; old ones until /);

    const status = async (key: string) =>
      (
        await callWebhook(service.baseUrl, 'paid', {
          body,
          headers: { 'x-signature': createHmac('sha256', key).update(body).digest('hex') },
        })
      ).status;
    expect([await status(secret), await status('the-old-secret-0123'), await status('another-secret-0123')]).toEqual([
      200, 200, 401,
    ]);

    await secrets.getByRole('button', { name: 'Done' }).click();
    await secrets.getByRole('button', { name: 'Rotate secret…' }).waitFor();
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await expect.poll(() => page.getByRole('region', { name: 'Secrets' }).textContent()).toContain('2 accepted');
    expect(await page.content()).not.toContain(secret);
  });

  it('rotates to the sender’s secret with no overlap, and shows a refusal in the service’s words', async () => {
    const config = await createConfig(service.baseUrl, {
      key: 'given',
      path: '/given',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'api-key', secret: 'first-api-key-0123' },
    });
    await page.goto(`${service.baseUrl}/console/#/configs/${config.id}`);
    const secrets = page.getByRole('region', { name: 'Secrets' });
    await secrets.getByRole('button', { name: 'Rotate secret…' }).click();
    await secrets.getByLabel('Secret from the sender').fill('short');
    await secrets.getByRole('button', { name: 'Rotate', exact: true }).click();
    await expect.poll(() => secrets.getByRole('alert').textContent()).toContain('Secret must be at least 16 characters');

    await secrets.getByLabel('Old secrets stay valid for').selectOption({ label: 'No overlap: drop the old secrets now' });
    await secrets.getByLabel('Secret from the sender').fill('the-senders-key-0123');
    await secrets.getByRole('button', { name: 'Rotate', exact: true }).click();
    await secrets.getByText('The secret you gave is now accepted.').waitFor();
    await secrets.getByText('Old secrets dropped.').waitFor();
    const status = async (key: string) =>
      (await callWebhook(service.baseUrl, 'given', { body, headers: { 'x-api-key': key } })).status;
    expect([await status('the-senders-key-0123'), await status('first-api-key-0123')]).toEqual([200, 401]);
  });
});
