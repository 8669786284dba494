import type { JsonObject } from '@bufbuild/protobuf';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loanRoutingProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

type Route = 'review' | 'default' | 'ERROR';

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: the conditions are bpmn-engine expressions
/** The table of docs/processes.md: each condition, the variables, and where the loan goes. */
const routes: [string, JsonObject, Route][] = [
  ['${amount > 100000}', { amount: 500_000 }, 'review'],
  ['${amount > 100000}', { amount: 50 }, 'default'],
  ['${environment.variables.loanAmount > 100000}', { loanAmount: 500_000 }, 'review'],
  ['${amount >= 100000}', { amount: 100_000 }, 'review'],
  ['${amount == 500000}', { amount: '500000' }, 'review'],
  ['${amount === 500000}', { amount: '500000' }, 'default'],
  ['${amount > 100000}', { amount: '500000' }, 'review'],
  ['${approved &amp;&amp; amount &lt; 1000}', { approved: true, amount: 10 }, 'review'],
  ['${approved || vip}', { approved: false, vip: true }, 'review'],
  ['${!approved}', { approved: false }, 'review'],
  ["${status == 'approved'}", { status: 'approved' }, 'review'],
  ["${name > 'M'}", { name: 'Zainab' }, 'review'],
  ["${name > 'M'}", { name: 'Ade' }, 'default'],
  ['${approved}', { approved: true }, 'review'],
  ['${amount > 100000}', {}, 'ERROR'],
  ['${loan.amount > 5}', { loan: null }, 'ERROR'],
];

const refused: [string, string][] = [
  ['=amount > 100000', '"=amount > 100000" is FEEL, which this service does not run; write ${...} with JavaScript'],
  ["${fn:contains(name, 'x')}", `"\${fn:contains(name, 'x')}" calls a JUEL function, which this service does not run`],
  ['#{amount > 1}', '"#{amount > 1}" is a deferred JUEL expression; write ${...} with JavaScript'],
  [
    "${amount > 1; doCmd('X', {})}",
    `"\${amount > 1; doCmd('X', {})}" is not a single expression (no ;, braces, templates, functions or commands)`,
  ],
  ['amount > 100000', '"amount > 100000" is not a ${...} expression (or give the condition language="javascript")'],
];
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: the conditions are bpmn-engine expressions

describe.each(engines)('gateway conditions on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  let admin: ManagementClient;

  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db);
    admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
  });
  afterAll(async () => {
    admin?.close();
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  it.each(routes)('routes %s with %j to %s', async (condition, variables, route) => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', {
      name: 'routing',
      bpmnXml: loanRoutingProcess(condition),
    });
    expect(deployed.errors).toEqual([]);
    const processDefinitionId = (deployed.data as { id: number }).id;
    const started = await admin.call('StartProcessInstanceCommand', { processDefinitionId, variables });
    const instance = started.data as { status: string; currentTaskId: string; instanceId: number };
    if (route === 'review') expect(instance).toMatchObject({ status: 'WAITING', currentTaskId: 'review' });
    if (route === 'default') expect(instance).toMatchObject({ status: 'COMPLETED' });
    if (route === 'ERROR') {
      expect(instance.status).toBe('ERROR');
      const read = await admin.call('GetProcessInstanceByIdQuery', { id: instance.instanceId });
      const { errors, history } = read.data as { errors: string[]; history: { id: string }[] };
      expect(errors.join(' ')).toMatch(/not a process variable|Cannot read properties of null/);
      // An evaluation error never falls to the default flow.
      expect(history.map((entry) => entry.id)).not.toContain('end');
    }
  });

  it.each(refused)('refuses to deploy %s, naming the flow, the gateway and the expression', async (condition, problem) => {
    const deployed = await admin.call('DeployProcessDefinitionCommand', {
      name: 'routing',
      bpmnXml: loanRoutingProcess(condition),
    });
    expect(deployed).toMatchObject({ success: false, message: 'Validation failed' });
    expect(deployed.errors).toEqual([`Condition of flow "toReview" from "route": ${problem}`]);
  });
});
