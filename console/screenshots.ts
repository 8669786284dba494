/**
 * npm run console:screenshots: builds the console, starts the service in memory with a few
 * configurations and events, and writes a PNG of each main page to docs/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { migrateToLatest } from '../src/store/migrate.js';
import { openDatabase } from '../src/store/open-database.js';
import { launchChromium } from '../test/helpers/chromium.js';
import { createManagementClient, type ManagementClient } from '../test/helpers/management-clients.js';
import { startTestService } from '../test/helpers/test-service.js';
import { approvalWithDiagram } from '../test/console/approval-diagram.js';
import { mintToken } from '../test/helpers/tokens.js';

const outputDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));

await build({ configFile: fileURLToPath(new URL('./vite.config.ts', import.meta.url)), logLevel: 'warn' });
const db = await openDatabase({ engine: 'pglite', dataDir: undefined });
await migrateToLatest(db);
const service = await startTestService(db, { delivery: { workerPollMs: 50, retryBaseMs: 100, retryMaxMs: 200 } });
const admin = createManagementClient('connect', service.baseUrl, service.adminToken);
const browser = await launchChromium();
try {
  const { scriptConfigId, failedEventId, instanceId } = await seed(admin, service.baseUrl);
  const page = await browser.context.newPage();
  await mkdir(outputDir, { recursive: true });

  await page.goto(`${service.baseUrl}/console/`);
  await shoot(page, 'sign-in');
  const scope = 'webhooks:read webhooks:write events:read events:write processes:read';
  await page.getByLabel('Bearer token').fill(await mintToken({ sub: 'integration.engineer', scope, exp: hourFromNow() }));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('inbox-queued').filter({ hasText: /\d/ }).waitFor();
  // The per-configuration counts (the per-minute table above them is folded away).
  await page.locator('section[aria-labelledby="configs-heading"] tbody td').filter({ hasText: /^\d+$/ }).first().waitFor();
  await shoot(page, 'overview');

  await page.goto(`${service.baseUrl}/console/#/events`);
  await page.locator('tbody tr').nth(5).waitFor();
  await shoot(page, 'events');

  await page.goto(`${service.baseUrl}/console/#/events/${failedEventId}`);
  await page.getByRole('heading', { name: /^Attempt 2/ }).waitFor();
  await page.getByText('Logs').first().click();
  await shoot(page, 'event');

  await page.goto(`${service.baseUrl}/console/#/configs`);
  await page.locator('tbody tr').nth(3).waitFor();
  await shoot(page, 'configurations');

  await page.goto(`${service.baseUrl}/console/#/configs/${scriptConfigId}`);
  await page.getByRole('button', { name: 'Send test webhook' }).click();
  await page.getByTestId('stored-event').waitFor();
  await shoot(page, 'configuration');

  await page.goto(`${service.baseUrl}/console/#/processes/instances/${instanceId}`);
  await page.locator('.activity-current').first().waitFor();
  await shoot(page, 'process-instance');
  console.log(`screenshots written to ${outputDir}`);
} finally {
  await browser.close();
  await service.stop();
  await db.destroy();
}

async function shoot(page: Page, name: string): Promise<void> {
  // Off the lists, so none of them shows auto-refresh paused for a reader.
  await page.mouse.move(0, 0);
  await page.screenshot({ path: `${outputDir}${name}.png`, fullPage: true });
}

function hourFromNow(): number {
  return Math.floor(Date.now() / 1000) + 3600;
}

/** Configurations of every execution type, and events that succeeded, failed, were replayed or wait. */
async function seed(admin: ManagementClient, baseUrl: string) {
  const create = async (fields: Record<string, unknown>) => {
    const outcome = await admin.call('CreateWebHookConfigCommand', { action: 'POST', ...fields } as never);
    if (!outcome.success) throw new Error(`${outcome.message}: ${outcome.errors.join('; ')}`);
    return (outcome.data as { id: number }).id;
  };
  const scriptConfigId = await create({
    key: 'payments-settled',
    description: 'Card processor settlement notices',
    path: 'payments/settled',
    executionType: 2,
    executionCode:
      "console.log('settling', body.data.reference);\nif (body.data.amount > 100000) throw new Error('Amount over the auto-settle limit');\nreturn { settled: body.data.reference };",
    responseMode: 'async',
    maxAttempts: 2,
  });
  await create({
    key: 'mandate-updates',
    description: 'Direct-debit mandate changes',
    path: 'mandates',
    executionType: 0,
    commandName: 'EchoCommand',
    responseMode: 'async',
  });
  await create({
    key: 'ledger-chain',
    description: 'Ledger posting in two steps',
    path: 'ledger/post',
    executionType: 1,
    commandChain: [
      { commandName: 'EchoCommand', parameters: { step: 'validate' } },
      { commandName: 'EchoCommand', parameters: { step: 'post' } },
    ],
  });
  const retiredId = await create({
    key: 'legacy-callback',
    path: 'legacy/callback',
    executionType: 0,
    commandName: 'EchoCommand',
  });
  await admin.call('DeactivateWebHookConfigCommand', { id: retiredId });

  const post = (path: string, contentType: string, body: string) =>
    fetch(`${baseUrl}/api/webhook/${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
  for (const [reference, amount] of [
    ['T-1001', 2500],
    ['T-1002', 990],
    ['T-1003', 250000],
  ] as const) {
    await post('payments/settled', 'application/json', JSON.stringify({ event: 'payment.settled', data: { reference, amount } }));
  }
  await post('mandates', 'application/x-www-form-urlencoded', 'mandate=MD-77&status=active&customer=C-1200');
  await post('ledger/post', 'application/xml', '<posting><account>0012</account><amount>500</amount></posting>');
  await post('ledger/post', 'application/json', '{"account":"0013","amount":750}');

  // The over-limit payment fails twice and is dead; replaying it gives it a third attempt.
  const failedEventId = await waitForEvent(admin, { key: 'payments-settled', status: 'dead' });
  await admin.call('ReplayWebhookEventCommand', { id: failedEventId });
  await waitForEvent(admin, { key: 'payments-settled', status: 'dead' });

  const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'loan-approval', bpmnXml: approvalWithDiagram });
  const started = await admin.call('StartProcessInstanceCommand', {
    processDefinitionId: (deployed.data as { id: number }).id,
    variables: { amount: 250000, customer: 'C-1200' },
  });
  return { scriptConfigId, failedEventId, instanceId: (started.data as { instanceId: number }).instanceId };
}

async function waitForEvent(admin: ManagementClient, filter: Record<string, string>): Promise<number> {
  for (let tries = 0; tries < 100; tries++) {
    const list = await admin.call('GetWebhookEventListQuery', { ...filter, pageSize: 1 });
    const first = (list.data as { items?: { id: number }[] } | null)?.items?.[0];
    if (first) return Number(first.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`No event matched ${JSON.stringify(filter)}`);
}
