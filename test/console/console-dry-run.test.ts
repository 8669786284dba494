import { createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProcessAction } from '../../gen/bpm/webhooks/v1/webhook_config_pb.js';
import { WebHookConfigService } from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { type Chromium, launchChromium } from '../helpers/chromium.js';
import { signInToConsole } from '../helpers/console-sign-in.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, type RunningService, startTestService } from '../helpers/test-service.js';
import { approvalWithDiagram } from './approval-diagram.js';

/** Playwright waits up to this long for what a test expects to appear. */
const appearMs = 20_000;

describe('the console sets up every execution type and tries a draft before it goes live', () => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;
  let browser: Chromium;
  let page: Page;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    // A cold script host on a loaded machine can take a second or more for its first run.
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, script: { ...defaultExecutors.script, timeoutMs: 10_000 } },
    });
    admin = createManagementClient('connect', service.baseUrl, service.adminToken);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    page = await browser.context.newPage();
    page.setDefaultTimeout(appearMs);
    await signInToConsole(page, service.baseUrl, 'webhooks:read webhooks:write events:read processes:read processes:write');
  });

  it('creates a correlating webhook in the form and shows which waiting instance a body would reach', async () => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'Mandate loan', bpmnXml: mandateLoanProcess });
    const definitionId = (deployed.data as { id: number }).id;
    const started = await admin.call('StartProcessInstanceCommand', {
      processDefinitionId: definitionId,
      variables: { mandateRef: 'MND-7' },
    });
    const instanceId = (started.data as { instanceId: number }).instanceId;

    await page.getByRole('link', { name: 'Configurations' }).click();
    await page.getByRole('link', { name: 'New configuration' }).click();
    await page.getByLabel('Key', { exact: true }).fill('mandate-approved');
    await page.getByLabel('Path', { exact: true }).fill('mono/mandates');
    await page.getByLabel('Execution type', { exact: true }).selectOption({ label: '3: BPMN process' });
    await page.getByLabel('Process definition id', { exact: true }).fill(String(definitionId));
    await page.getByLabel('Process action', { exact: true }).selectOption('correlate');
    await page.getByLabel('Message name', { exact: true }).fill('MandateApproved');
    await page.getByLabel('Correlation key', { exact: true }).fill('/data/mandateRef');

    // Tried before it is saved: the draft in the form, against a pasted body.
    await page.getByLabel('or with this body').fill('{"data": {"mandateRef": "MND-7"}}');
    await page.getByRole('button', { name: 'Try it' }).click();
    await expect
      .poll(() => page.getByTestId('dry-run-correlation').textContent())
      .toContain(`would reach instance ${instanceId}`);

    await page.getByRole('button', { name: 'Create configuration' }).click();
    await page.getByRole('heading', { name: 'Configuration mandate-approved' }).waitFor();
    expect(await page.getByLabel('Process action', { exact: true }).inputValue()).toBe('correlate');
    expect(await page.getByLabel('Message name', { exact: true }).inputValue()).toBe('MandateApproved');
    expect(await page.getByLabel('Correlation key', { exact: true }).inputValue()).toBe('/data/mandateRef');
    const stored = await admin.call('LookupWebHookByKeyCommand', { key: 'mandate-approved' });
    expect(stored.data).toMatchObject([
      { processAction: 'correlate', messageName: 'MandateApproved', correlationKey: '/data/mandateRef' },
    ]);
    // Nothing was delivered: the instance still waits.
    const instance = await admin.call('GetProcessInstanceByIdQuery', { id: instanceId });
    expect(instance.data).toMatchObject({ status: 'WAITING' });

    // The form sent the target as the oneof: read back over Connect, it is the correlating process.
    const configs = createClient(WebHookConfigService, createConnectTransport({ baseUrl: service.baseUrl, httpVersion: '1.1' }));
    const headers = { authorization: `Bearer ${service.adminToken}` };
    const id = BigInt((stored.data as { id: number }[])[0]!.id);
    const correlating = { definitionId: BigInt(definitionId), action: ProcessAction.CORRELATE, messageName: 'MandateApproved' };
    expect((await configs.getWebHookConfigById({ id }, { headers })).data?.target).toMatchObject({
      case: 'process',
      value: { ...correlating, correlationKey: '/data/mandateRef' },
    });

    // Edited back to starting an instance: the message and key go with the correlation.
    await page.getByLabel('Process action', { exact: true }).selectOption('start');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(async () => (await configs.getWebHookConfigById({ id }, { headers })).data?.target.value)
      .toMatchObject({ action: ProcessAction.START, messageName: '', correlationKey: '' });
    expect((await admin.call('GetWebHookConfigByIdQuery', { id: Number(id) })).data).toMatchObject({
      executionType: 3,
      processAction: 'start',
      messageName: '',
      correlationKey: '',
    });
  });

  it('tries a script beside it with a pasted body, then with a stored event', async () => {
    await admin.call('CreateWebHookConfigCommand', {
      key: 'statement-lines',
      path: 'statements/lines',
      action: 'POST',
      executionType: 2,
      executionCode: 'return { reference: body.data.reference };',
    });
    const sent = await fetch(`${service.baseUrl}/api/webhook/statements/lines`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { reference: 'STORED-1' } }),
    });
    const eventId = sent.headers.get('x-webhook-event-id');

    await page.getByRole('link', { name: 'Configurations' }).click();
    await page.getByRole('link', { name: 'statement-lines' }).click();
    await page
      .getByLabel('Script', { exact: true })
      .fill('console.log("seen", body.data.reference);\nreturn { html: "<!-- " + body.data.reference + " -->" };');
    await page.getByLabel('or with this body').fill('{"data": {"reference": "PASTED-1"}}');
    await page.getByRole('button', { name: 'Try it' }).click();
    await expect.poll(() => page.getByTestId('dry-run-status').textContent()).toBe('succeeded');
    await expect.poll(() => page.getByTestId('dry-run-value').textContent()).toContain('"html": "<!-- PASTED-1 -->"');
    await expect.poll(() => page.getByTestId('dry-run-logs').textContent()).toBe('log: seen PASTED-1');

    await page.getByLabel('Try with event #').fill(`#${eventId}`);
    await page.getByRole('button', { name: 'Try it' }).click();
    await expect.poll(() => page.getByTestId('dry-run-value').textContent()).toContain('STORED-1');
  });

  it("draws a process draft's path on its diagram from the definition page", async () => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', { name: 'drawn-approval', bpmnXml: approvalWithDiagram });
    await page.getByRole('link', { name: 'Processes', exact: true }).click();
    await page.getByRole('link', { name: 'drawn-approval' }).click();
    await page.getByLabel('or with this body').fill('{"amount": 900}');
    await page.getByRole('button', { name: 'Try it' }).click();
    await expect.poll(() => page.getByTestId('dry-run-result').textContent()).toContain('it would wait at approve');
    const path = page.getByRole('img', { name: "The dry run's path" });
    await path.locator('[data-element-id="approve"].activity-current').waitFor();
    await path.locator('[data-element-id="start"].activity-done').waitFor();
    // A connection's group has no box of its own: it is there, drawn by its path.
    await path.locator('[data-element-id="f1"].activity-done').waitFor({ state: 'attached' });
    expect(await path.locator('[data-element-id="f2"].activity-done').count()).toBe(0);
    expect(await page.getByRole('table', { name: 'Sequence flows' }).textContent()).toContain('start → approve');
    const instances = await admin.call('GetProcessInstanceListQuery', {
      processDefinitionId: (deployed.data as { id: number }).id,
    });
    expect(instances.data).toMatchObject({ totalCount: 0 });
  });
});
