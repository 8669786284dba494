import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { clientKinds, createManagementClient } from '../helpers/management-clients.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';

/**
 * The script checker over the wire: what the sandbox runs is what saves, and what it refuses is refused
 * when the configuration is saved, never at the first webhook.
 */
describe.each(engines)('scripts checked at save time as the sandbox runs them, on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    // A cold script host on a loaded machine can take a second or more for its first run.
    service = await startTestService(database.db, {
      executors: { ...defaultExecutors, script: { ...defaultExecutors.script, timeoutMs: 10_000 } },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  it('runs scripts whose strings, templates and regular expressions contain <!--, --> and import(', async () => {
    const scripts = {
      html: ['const html = "<p><!-- note --></p>"; return html;', '<p><!-- note --></p>'],
      docs: ['return "see import(x) docs";', 'see import(x) docs'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the script's own template literal
      template: ['return `<!-- ${body.n} --> eval(x)`;', '<!-- 7 --> eval(x)'],
      regex: ['return /<!--(.*)-->/.exec("<!--hidden-->")[1];', 'hidden'],
      countdown: ['let i = body.n; let n = 0; while (i --> 0) n++; return n;', 7],
    } as const;
    for (const [key, [executionCode]] of Object.entries(scripts)) {
      await createConfig(service.baseUrl, { key, path: `/checked/${key}`, action: 'POST', executionType: 2, executionCode });
    }
    for (const [key, [, expected]] of Object.entries(scripts)) {
      const response = await callWebhook(service.baseUrl, `checked/${key}`, { body: JSON.stringify({ n: 7 }) });
      expect({ key, status: response.status, data: response.json.data }).toEqual({ key, status: 200, data: expected });
    }
  });

  it.each(clientKinds)('refuses eval(...) and import(...) at save over %s, saying why and where', async (kind) => {
    const client = createManagementClient(kind, service.baseUrl, service.adminToken);
    try {
      const save = (key: string, executionCode: string) =>
        client.call('CreateWebHookConfigCommand', { key, path: `/${key}`, action: 'POST', executionType: 2, executionCode });
      const evaluating = await save('evaluating', 'const rule = body.rule;\nreturn eval(rule);');
      expect(evaluating).toMatchObject({ success: false, message: 'Validation failed' });
      expect(evaluating.errors).toEqual([
        expect.stringMatching(/^Execution code does not compile: direct eval\(\.\.\.\) \[executionCode:2:8\] is refused: /),
      ]);
      const importing = await save('importing', 'return import("node:child_process");');
      expect(importing.errors).toEqual([
        expect.stringMatching(/^Execution code does not compile: dynamic import\(\.\.\.\) \[executionCode:1:8\] is refused: /),
      ]);
      const list = await client.call('GetWebHookConfigListQuery', {});
      expect(list.data).toMatchObject({ totalCount: 0 });
    } finally {
      client.close();
    }
  });

  it('refuses the same at update time, keeping the running version', async () => {
    const config = await createConfig(service.baseUrl, {
      key: 'kept',
      path: '/kept',
      action: 'POST',
      executionType: 2,
      executionCode: 'return 1;',
    });
    const client = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const updated = await client.call('UpdateWebHookConfigCommand', { id: config.id, executionCode: '<!-- legacy\nreturn 2;' });
    expect(updated).toMatchObject({ success: false, code: 400 });
    expect(updated.errors[0]).toMatch(
      /^Execution code does not compile: an HTML-like comment .* \[executionCode:1:1\] is refused/,
    );
    const response = await callWebhook(service.baseUrl, 'kept', { body: '{}' });
    expect(response.json.data).toBe(1);
  });
});
