import { afterAll, describe, expect, it } from 'vitest';
import { timedForwardProcess } from '../fixtures/bpmn/definitions.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { startForwardTarget } from '../helpers/forward-target.js';
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratch-database.js';
import { testSecret } from '../helpers/tokens.js';
import { command, eventually } from '../helpers/webhook-calls.js';

const url = process.env.TEST_DATABASE_URL;
const instanceCount = 12;

describe.skipIf(!url)('process timers with two service processes on one PostgreSQL', () => {
  const children: ChildService[] = [];
  let database: ScratchDatabase | undefined;
  let target: Awaited<ReturnType<typeof startForwardTarget>> | undefined;
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGTERM')));
    await target?.close();
    await database?.drop();
  });

  it('fires each timer exactly once, whichever process polls first', async () => {
    database = await createScratchDatabase(url!, 'bpm_timers');
    target = await startForwardTarget();
    const env = {
      AUTH_HS256_SECRET: testSecret,
      DATABASE_URL: database.url,
      PROCESS_TIMER_POLL_MS: '20',
      FORWARD_ALLOWED_HOSTS: '127.0.0.1',
    };
    const [a, b] = await Promise.all([startChildService(env), startChildService(env)]);
    children.push(a!, b!);
    const deployed = await command(a!.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'timed forward',
      bpmnXml: timedForwardProcess,
    });
    const processDefinitionId = (deployed.data as { id: number }).id;

    // Started on both processes; each instance waits for its timer, stored, and both poll for it.
    const started = await Promise.all(
      Array.from({ length: instanceCount }, (_, n) =>
        command((n % 2 === 0 ? a : b)!.baseUrl, 'StartProcessInstanceCommand', {
          processDefinitionId,
          variables: { n, target: `http://127.0.0.1:${target!.port}/ok` },
        }),
      ),
    );
    // Mostly WAITING; a start slowed past the timer's due time sees it fire within its own run.
    for (const outcome of started) expect(['WAITING', 'COMPLETED']).toContain((outcome.data as { status: string }).status);
    await eventually(async () => {
      const list = await command(b!.baseUrl, 'GetProcessInstanceListQuery', { status: 'COMPLETED', pageSize: 1 });
      return (list.data as { totalCount: number }).totalCount === instanceCount ? true : undefined;
    }, 30_000);

    // Every firing forwarded its instance's n once: a timer fired twice would show here twice.
    const bodies = target.received.map((request) => Number(request.body)).sort((x, y) => x - y);
    expect(bodies).toEqual(Array.from({ length: instanceCount }, (_, n) => n));
  }, 120_000);
});
