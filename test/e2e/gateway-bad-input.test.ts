import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, engines, type TestDatabase } from '../helpers/database.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';

const maxBodyBytes = 64 * 1024;

describe.each(engines)('JSON gateway against bad input on %s', (engine) => {
  let database: TestDatabase;
  let service: RunningService;
  beforeAll(async () => {
    database = await createTestDatabase(engine);
    service = await startTestService(database.db, { maxBodyBytes });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });
  beforeEach(() => database.truncate());

  async function post(body: string, contentType = 'application/json') {
    const response = await fetch(`${service.baseUrl}/api/bpm/cmd`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${service.adminToken}` },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
  const send = (json: unknown) => post(JSON.stringify(json));
  const countConfigs = async () => Number((await database.db('webhook_configs').count({ n: '*' }))[0]!.n);

  it('answers malformed JSON with 400 and says so', async () => {
    const { status, body } = await post('{"$type": "CreateWebHookConfigCommand", "key": ');
    expect(status).toBe(400);
    expect(body).toMatchObject({ success: false, data: null, message: 'Malformed JSON' });
    expect(body.errors).toHaveLength(1);
  });

  it('answers a body that is not an object, a missing $type and an unknown $type with 400', async () => {
    expect(await send([1, 2])).toMatchObject({ status: 400, body: { message: 'Invalid request' } });
    expect(await send({ key: 'x' })).toMatchObject({ status: 400, body: { message: 'Missing $type' } });
    expect(await send({ $type: 'DropAllTablesCommand' })).toMatchObject({
      status: 400,
      body: { success: false, message: 'Unknown command type', errors: ['"DropAllTablesCommand" is not a known $type'] },
    });
  });

  it('refuses wrong field types and unknown fields with 400, writing nothing', async () => {
    const wrongType = await send({ $type: 'CreateWebHookConfigCommand', key: 'a', action: 'POST', executionType: 'zero' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body).toMatchObject({ success: false, message: 'Validation failed' });
    expect(wrongType.body.errors).toEqual(['"executionType": expected number (int32), got "zero"']);

    const objectForString = await send({ $type: 'CreateWebHookConfigCommand', key: { $ne: null } });
    expect(objectForString.status).toBe(400);
    const typo = await send({ $type: 'CreateWebHookConfigCommand', key: 'a', allowableIps: '10.0.0.1' });
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual(['"allowableIps" is not a field of CreateWebHookConfigCommand']);
    const fractionalId = await send({ $type: 'GetWebHookConfigByIdQuery', id: 1.5 });
    expect(fractionalId.status).toBe(400);
    expect(await countConfigs()).toBe(0);
  });

  it('accepts the older {cmd, data} form', async () => {
    const { status, body } = await send({ cmd: 'GetWebHookConfigListQuery', data: { pageSize: 3 } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ success: true, data: { items: [], totalCount: 0, pageSize: 3 } });
  });

  it('answers 413 for a body over MAX_BODY_BYTES and 415 for a non-JSON content type', async () => {
    const huge = JSON.stringify({ $type: 'CreateWebHookConfigCommand', key: 'a', description: 'x'.repeat(maxBodyBytes) });
    expect(await post(huge)).toMatchObject({ status: 413, body: { success: false, message: 'Payload too large' } });
    expect(await post('key=a', 'application/x-www-form-urlencoded')).toMatchObject({
      status: 415,
      body: { success: false, message: 'Unsupported media type' },
    });
    expect(await countConfigs()).toBe(0);
  });

  it('stores SQL-looking text as plain text', async () => {
    const description = "x'); DROP TABLE webhook_configs; --";
    const created = await send({
      $type: 'CreateWebHookConfigCommand',
      key: 'sql-probe',
      description,
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
    });
    expect(created).toMatchObject({ status: 200, body: { data: { description } } });
    const search = await send({ $type: 'GetWebHookConfigListQuery', searchText: "%' OR 1=1 --" });
    expect(search).toMatchObject({ status: 200, body: { data: { totalCount: 0 } } });
    const wildcard = await send({ $type: 'GetWebHookConfigListQuery', searchText: '%' });
    expect(wildcard.body).toMatchObject({ data: { totalCount: 0 } });
    expect(await countConfigs()).toBe(1);
  });

  it('keeps NUL characters in every text field exactly, and in the audit log (protobuf itself refuses lone surrogates)', async () => {
    const odd = 'a\u0000b';
    const created = await send({
      $type: 'CreateWebHookConfigCommand',
      key: 'nul-probe',
      description: odd,
      path: 'nul/probe',
      action: 'POST',
      executionType: 2,
      executionCode: `return ${JSON.stringify(odd)};`,
    });
    expect(created).toMatchObject({ status: 200, body: { data: { description: odd } } });
    const id = (created.body.data as { id: number }).id;
    const read = await send({ $type: 'GetWebHookConfigByIdQuery', id });
    expect(read.body).toMatchObject({ data: { description: odd, executionCode: `return ${JSON.stringify(odd)};` } });
    const audit = await send({ $type: 'GetAuditLogQuery', entityId: String(id) });
    expect(JSON.stringify(audit.body)).toContain(JSON.stringify(odd).slice(1, -1));
    const nulKey = await send({ $type: 'GetWebHookConfigListQuery', searchText: odd });
    expect(nulKey).toMatchObject({ status: 200, body: { data: { totalCount: 1 } } });
  });

  it('refuses 10,000-character fields with one sentence each', async () => {
    const long = 'a'.repeat(10_000);
    const { status, body } = await send({
      $type: 'CreateWebHookConfigCommand',
      key: long,
      description: long,
      path: long,
      action: long,
      executionType: 0,
      commandName: long,
    });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      'Key must be at most 100 characters',
      'Description must be at most 1000 characters',
      'Path must be at most 500 characters',
      'Action must be one of GET, POST, PUT, PATCH, DELETE',
      `Command "${'a'.repeat(57)}..." is not registered`,
    ]);
  });

  it('gives exactly one success and one 409 when two creates race for one key', async () => {
    const create = (path: string) =>
      send({
        $type: 'CreateWebHookConfigCommand',
        key: 'race',
        path,
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
      });
    for (let round = 0; round < 5; round++) {
      await database.truncate();
      const results = await Promise.all([create(`a${round}`), create(`b${round}`), create(`c${round}`)]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
      expect(await countConfigs()).toBe(1);
    }
  });

  it('gives one success when two creates race for one route', async () => {
    const create = (key: string) =>
      send({
        $type: 'CreateWebHookConfigCommand',
        key,
        path: 'same/route',
        action: 'POST',
        executionType: 0,
        commandName: 'EchoCommand',
      });
    const results = await Promise.all([create('one'), create('two')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  it('answers 405 for other methods and 404 in the envelope for unknown paths', async () => {
    const get = await fetch(`${service.baseUrl}/api/bpm/cmd`, { headers: { authorization: `Bearer ${service.adminToken}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const unknown = await fetch(`${service.baseUrl}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ success: false, message: 'Not found' });
  });
});
