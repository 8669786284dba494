import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mandateLoanProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

/**
 * The legacy JSON gateway's answers for a configuration of every execution type, created, read,
 * listed and updated (and refused), kept byte for byte in a file: the execution target's flat legacy
 * shape (`executionType` and one field per type) must not move while the inside changes.
 */
describe.each(engines)('the legacy JSON shape of configurations on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let definitionId = 0;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { startWorker: false });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(async () => {
    await database.truncate();
    const deployed = await call({ $type: 'DeployProcessDefinitionCommand', name: 'Mandate loan', bpmnXml: mandateLoanProcess });
    definitionId = (JSON.parse(deployed.text) as { data: { id: number } }).data.id;
  });

  /** One gateway call as raw text: the status and the body exactly as sent. */
  async function call(body: JsonObject): Promise<{ status: number; text: string }> {
    const response = await fetch(`${service.baseUrl}/api/bpm/cmd`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.adminToken}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Runs the calls in order and writes each request and answer, ids, the definition id and times replaced by names. */
  async function transcript(steps: readonly ((ids: number[]) => JsonObject)[]): Promise<string> {
    const ids: number[] = [];
    const lines: string[] = [];
    for (const step of steps) {
      const request = step(ids);
      const answer = await call(request);
      const created = /^\{"success":true,"data":\{"id":(\d+)/.exec(answer.text);
      if (request.$type === 'CreateWebHookConfigCommand' && created) ids.push(Number(created[1]));
      lines.push(`> ${normalise(JSON.stringify(request), ids)}`, `< ${answer.status} ${normalise(answer.text, ids)}`, '');
    }
    return lines.join('\n');
  }

  function normalise(text: string, ids: number[]): string {
    return text
      .replace(/"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)"/g, '"<time>"')
      .replace(new RegExp(`"processDefinitionId":${definitionId}\\b`, 'g'), '"processDefinitionId":"<definition>"')
      .replace(/"id":(\d+)/g, (_, id: string) => `"id":"<config ${ids.indexOf(Number(id)) + 1}>"`);
  }

  const get = (n: number) => (ids: number[]) => ({ $type: 'GetWebHookConfigByIdQuery', id: ids[n - 1]! });
  const update = (n: number, fields: JsonObject) => (ids: number[]) => ({
    $type: 'UpdateWebHookConfigCommand',
    id: ids[n - 1]!,
    ...fields,
  });
  const list = (searchText: string) => () => ({ $type: 'GetWebHookConfigListQuery', searchText });
  const create = (fields: JsonObject) => () => ({ $type: 'CreateWebHookConfigCommand', action: 'POST', ...fields });

  it('answers a native command configuration as before', async () => {
    const text = await transcript([
      create({ key: 'native', path: 'golden/native', executionType: 0, commandName: 'EchoCommand', allowableIPs: '10.0.0.0/8' }),
      get(1),
      list('native'),
      update(1, { commandName: 'EchoCommand', description: 'echoes', timeoutMs: 5000 }),
      update(1, { executionCode: 'return 1;' }),
      create({ key: 'native-missing', path: 'golden/native-missing', executionType: 0 }),
      create({
        key: 'native-extra',
        path: 'golden/native-extra',
        executionType: 0,
        commandName: 'EchoCommand',
        messageName: 'M',
      }),
      create({ key: 'native-unknown', path: 'golden/native-unknown', executionType: 0, commandName: 'NoSuchCommand' }),
    ]);
    await expect(text).toMatchFileSnapshot('../fixtures/golden/legacy-config-native.txt');
  });

  it('answers a command chain configuration as before', async () => {
    const text = await transcript([
      create({
        key: 'chain',
        path: 'golden/chain',
        executionType: 1,
        commandChain: [
          { commandName: 'EchoCommand', parameters: { greeting: 'hi', nested: { n: 1 } } },
          { commandName: 'EchoCommand' },
        ],
      }),
      get(1),
      list('chain'),
      update(1, { commandChain: [{ commandName: 'EchoCommand', parameters: { only: true } }] }),
      create({ key: 'chain-names', path: 'golden/chain-names', executionType: 1, commandName: 'EchoCommand, EchoCommand' }),
      create({ key: 'chain-missing', path: 'golden/chain-missing', executionType: 1 }),
    ]);
    await expect(text).toMatchFileSnapshot('../fixtures/golden/legacy-config-chain.txt');
  });

  it('answers a script configuration as before', async () => {
    const text = await transcript([
      create({
        key: 'script',
        path: 'golden/script',
        executionType: 2,
        executionCode: 'return { ok: body };',
        responseMode: 'async',
      }),
      get(1),
      list('script'),
      update(1, { executionCode: 'return 2;', maxAttempts: 3 }),
      update(1, { executionType: 0, commandName: 'EchoCommand' }),
      get(1),
      create({ key: 'script-broken', path: 'golden/script-broken', executionType: 2, executionCode: 'return (' }),
      create({
        key: 'script-both',
        path: 'golden/script-both',
        executionType: 2,
        executionCode: 'return 1;',
        commandName: 'EchoCommand',
      }),
    ]);
    await expect(text).toMatchFileSnapshot('../fixtures/golden/legacy-config-script.txt');
  });

  it('answers starting and correlating process configurations as before', async () => {
    const text = await transcript([
      create({ key: 'process', path: 'golden/process', executionType: 3, processDefinitionId: definitionId }),
      create({
        key: 'correlate',
        path: 'golden/correlate',
        executionType: 3,
        processDefinitionId: definitionId,
        processAction: 'correlate',
        messageName: 'MandateApproved',
        correlationKey: '/data/mandateRef',
      }),
      get(1),
      get(2),
      list('c'),
      update(2, { correlationKey: '/mandate/reference', messageName: 'MandateApproved' }),
      update(1, { processAction: 'correlate' }),
      update(2, { executionType: 2, executionCode: 'return 3;' }),
      create({ key: 'process-missing', path: 'golden/process-missing', executionType: 3, processDefinitionId: 999999 }),
      create({
        key: 'start-extra',
        path: 'golden/start-extra',
        executionType: 3,
        processDefinitionId: definitionId,
        processAction: 'start',
        correlationKey: '/x',
      }),
      create({ key: 'no-type', path: 'golden/no-type', commandName: 'EchoCommand' }),
      create({ key: 'bad-type', path: 'golden/bad-type', executionType: 7, commandName: 'EchoCommand' }),
    ]);
    await expect(text).toMatchFileSnapshot('../fixtures/golden/legacy-config-process.txt');
  });
});
