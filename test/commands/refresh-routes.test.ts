import { fromJson } from '@bufbuild/protobuf';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateWebHookConfigCommandSchema,
  GetWebHookConfigListQuerySchema,
} from '../../gen/bpm/webhooks/v1/webhook_config_service_pb.js';
import { builtInCommands } from '../../src/commands/catalog.js';
import { permissions } from '../../src/domain/permissions.js';
import { createCommandBus, type CommandBus } from '../../src/commands/command-bus.js';
import { audit } from '../../src/commands/interceptors/audit.js';
import { refreshRoutesAfterWrites } from '../../src/commands/interceptors/refresh-routes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';

const operator = {
  actor: { kind: 'operator', subject: 'ops', permissions: new Set(permissions) },
  requestId: 'refresh-test',
} as const;
const create = (key: string) =>
  fromJson(CreateWebHookConfigCommandSchema, { key, path: key, action: 'POST', executionType: 0, commandName: 'EchoCommand' });

describe('route refresh after configuration writes', () => {
  let database: TestDatabase;
  let bus: CommandBus;
  const seenByInvalidate: number[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const invalidate = () => {
      // What a reload would find at this moment: the write must already be committed.
      void database
        .db('webhook_configs')
        .count({ n: '*' })
        .then(([row]) => seenByInvalidate.push(Number(row!.n)));
    };
    bus = createCommandBus({
      commands: Object.values(builtInCommands),
      interceptors: [refreshRoutesAfterWrites(invalidate), audit],
      db: database.db,
      clock: () => new Date(),
      log: silentLog,
    });
  });
  afterAll(() => database?.destroy());

  it('marks the routes stale after each committed configuration write, not after reads, failures or webhook commands', async () => {
    await bus.execute('CreateWebHookConfigCommand', create('first'), operator);
    await bus.execute('GetWebHookConfigListQuery', fromJson(GetWebHookConfigListQuerySchema, {}), operator);
    await expect(bus.execute('CreateWebHookConfigCommand', create('FIRST'), operator)).rejects.toMatchObject({
      code: 'already_exists',
    });
    const webhook = {
      actor: { kind: 'webhook', subject: 'webhook:first', permissions: new Set(['webhooks:write']) },
      requestId: 'event-1',
    } as const;
    await bus.execute('EchoCommand', fromJson(ValueSchema, { amount: 1 }), webhook);
    // An operator's webhooks:write command that changes no configuration leaves the table alone too.
    await bus.execute('EchoCommand', fromJson(ValueSchema, { amount: 2 }), operator);
    await bus.execute('CreateWebHookConfigCommand', create('second'), operator);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seenByInvalidate).toEqual([1, 2]);
  });
});
