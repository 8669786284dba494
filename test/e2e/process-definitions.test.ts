import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import {
  approvalProcess,
  bpmnDocument,
  entityBomb,
  minimalProcess,
  missingReferenceProcess,
} from '../fixtures/bpmn/definitions.js';
import { clientKinds, createManagementClient, type ManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { mintToken } from '../helpers/tokens.js';

describe.each(engines)('process definitions on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { maxBodyBytes: 16 * 1024 * 1024 });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  describe.each(clientKinds)('over %s', (kind) => {
    let client: ManagementClient;
    beforeAll(() => {
      client = createManagementClient(kind, service.baseUrl, service.adminToken);
    });
    afterAll(() => client.close());

    it('deploys versions by name and reads them back by id and list', async () => {
      const first = await client.call('DeployProcessDefinitionCommand', { name: 'Loan approval', bpmnXml: approvalProcess });
      expect(first).toMatchObject({
        success: true,
        message: 'Process definition deployed successfully',
        data: { name: 'Loan approval', version: 1, processId: 'approval', bpmnXml: '' },
      });
      const second = await client.call('DeployProcessDefinitionCommand', {
        name: 'loan APPROVAL',
        bpmnXml: approvalProcess,
        description: 'second cut',
      });
      expect(second.data).toMatchObject({ version: 2, description: 'second cut' });
      await client.call('DeployProcessDefinitionCommand', { name: 'Other', bpmnXml: minimalProcess });

      const { id } = first.data as { id: number };
      expect(id).toBeTypeOf('number');
      const byId = await client.call('GetProcessDefinitionByIdQuery', { id });
      expect(byId).toMatchObject({ success: true, data: { id, version: 1, bpmnXml: approvalProcess } });
      expect((byId.data as { deployedAt: string }).deployedAt).toMatch(/Z$/);

      const versions = await client.call('GetProcessDefinitionListQuery', { name: 'Loan Approval' });
      expect(versions.data).toMatchObject({ totalCount: 2, pageNumber: 1, pageSize: 10 });
      expect((versions.data as { items: { version: number }[] }).items.map((item) => item.version)).toEqual([2, 1]);
      const searched = await client.call('GetProcessDefinitionListQuery', { searchText: 'minimal' });
      expect(searched.data).toMatchObject({ totalCount: 1, items: [{ name: 'Other' }] });

      const missing = await client.call('GetProcessDefinitionByIdQuery', { id: 999_999 });
      expect(missing).toMatchObject({ success: false, errors: ['No process definition found with the specified ID'] });
      expect(missing.code).toBe(kind === 'gateway' ? 404 : 'not_found');
    });

    it('refuses an entity bomb, a missing reference and a document without an executable process', async () => {
      const bomb = await client.call('DeployProcessDefinitionCommand', { name: 'bomb', bpmnXml: entityBomb });
      expect(bomb).toMatchObject({ success: false, message: 'Validation failed' });
      expect(bomb.errors).toEqual(['BPMN XML must not contain a DTD or entity declarations']);
      expect(bomb.code).toBe(kind === 'gateway' ? 400 : 'invalid_argument');

      const broken = await client.call('DeployProcessDefinitionCommand', { name: 'broken', bpmnXml: missingReferenceProcess });
      expect(broken.errors).toContain('BPMN XML is not valid: unresolved reference <nowhere>');

      const notExecutable = approvalProcess.replace('isExecutable="true"', 'isExecutable="false"');
      const idle = await client.call('DeployProcessDefinitionCommand', { name: '', bpmnXml: notExecutable });
      expect(idle.errors).toEqual(['Name is required', 'BPMN XML must contain an executable process (isExecutable="true")']);

      const malformed = await client.call('DeployProcessDefinitionCommand', { name: 'x', bpmnXml: '<bpmn:definitions' });
      expect(malformed.errors[0]).toMatch(/^BPMN XML is not a valid BPMN 2.0 document/);
      const list = await client.call('GetProcessDefinitionListQuery', {});
      expect(list.data).toMatchObject({ totalCount: 0 });
    });
  });

  it('refuses a 10 MB document without parsing it', async () => {
    const client = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const padding = `<!-- ${'x'.repeat(10 * 1024 * 1024)} -->`;
    const huge = await client.call('DeployProcessDefinitionCommand', {
      name: 'huge',
      bpmnXml: bpmnDocument('huge', `<bpmn:startEvent id="start"/>${padding}`),
    });
    expect(huge).toMatchObject({ success: false, errors: ['BPMN XML must be at most 1048576 bytes'] });
  });

  it('counts every element against the limit, those without ids too', async () => {
    const client = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const notes = '<bpmn:documentation/>'.repeat(6_000);
    const crowded = await client.call('DeployProcessDefinitionCommand', {
      name: 'crowded',
      bpmnXml: bpmnDocument('crowded', `<bpmn:startEvent id="start"/>${notes}`),
    });
    expect(crowded).toMatchObject({ success: false, errors: ['BPMN XML must have at most 5000 elements'] });
  });

  it('needs processes:write to deploy and processes:read to read, and audits the deployment', async () => {
    const reader = createManagementClient('gateway', service.baseUrl, await mintToken({ scope: 'processes:read' }));
    const refused = await reader.call('DeployProcessDefinitionCommand', { name: 'x', bpmnXml: minimalProcess });
    expect(refused).toMatchObject({ success: false, code: 403 });
    const writer = createManagementClient('gateway', service.baseUrl, await mintToken({ scope: 'processes:write' }));
    const deployed = await writer.call('DeployProcessDefinitionCommand', { name: 'x', bpmnXml: minimalProcess });
    expect(deployed.success).toBe(true);
    expect(await writer.call('GetProcessDefinitionListQuery', {})).toMatchObject({ success: false, code: 403 });
    expect(await reader.call('GetProcessDefinitionListQuery', {})).toMatchObject({ success: true });

    const admin = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const audit = await admin.call('GetAuditLogQuery', { entityId: String((deployed.data as { id: number }).id) });
    const entries = (audit.data as { items: { command: string; entityId: string; after: unknown }[] }).items;
    expect(entries).toMatchObject([{ command: 'DeployProcessDefinitionCommand', entityType: 'process_definition' }]);
    expect(entries[0]?.after).toMatchObject({ name: 'x', version: 1, bpmnXml: '' });
  });

  it('lets a StartProcess configuration name only an existing definition', async () => {
    const client = createManagementClient('gateway', service.baseUrl, service.adminToken);
    const config = { key: 'loan', path: 'loan', action: 'POST', executionType: 3 };
    const refused = await client.call('CreateWebHookConfigCommand', { ...config, processDefinitionId: 424_242 });
    expect(refused).toMatchObject({ success: false, code: 400, errors: ['Process definition 424242 does not exist'] });
    const deployed = await client.call('DeployProcessDefinitionCommand', { name: 'loan', bpmnXml: minimalProcess });
    const created = await client.call('CreateWebHookConfigCommand', {
      ...config,
      processDefinitionId: (deployed.data as { id: number }).id,
    });
    expect(created).toMatchObject({ success: true, data: { executionType: 3 } });
  });
});
