import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { approvalProcess } from '../fixtures/bpmn/definitions.js';
import { startChildService, type ChildService } from '../helpers/child-service.js';
import { testSecret } from '../helpers/tokens.js';
import { command } from '../helpers/webhook-calls.js';

describe('process instances across a crash (child processes on a PGlite data directory)', () => {
  const children: ChildService[] = [];
  let dataDir = '';
  afterAll(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps a waiting instance through a SIGKILL and completes it when signalled afterwards', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bpm-webhooks-process-crash-'));
    execFileSync('tar', ['-xf', process.env.PGLITE_SEED_FILE!, '-C', dataDir]);
    const env = { AUTH_HS256_SECRET: testSecret, DATA_DIR: dataDir };
    const first = await startChildService(env);
    children.push(first);
    const deployed = await command(first.baseUrl, 'DeployProcessDefinitionCommand', {
      name: 'approval',
      bpmnXml: approvalProcess,
    });
    const processDefinitionId = (deployed.data as { id: number }).id;
    const started = await command(first.baseUrl, 'StartProcessInstanceCommand', {
      processDefinitionId,
      variables: { mandateRef: 'MR-9' },
    });
    expect(started.data).toMatchObject({ status: 'WAITING', currentTaskId: 'approve' });
    const instanceId = (started.data as { instanceId: number }).instanceId;
    await first.stop('SIGKILL');

    const second = await startChildService(env);
    children.push(second);
    const read = await command(second.baseUrl, 'GetProcessInstanceByIdQuery', { id: instanceId });
    expect(read.data).toMatchObject({ status: 'WAITING', waitingTasks: [{ id: 'approve' }] });
    const signalled = await command(second.baseUrl, 'SignalProcessInstanceCommand', {
      instanceId,
      taskId: 'approve',
      variables: { approved: true },
    });
    expect(signalled).toMatchObject({
      success: true,
      data: { status: 'COMPLETED', variables: { mandateRef: 'MR-9', approved: true } },
    });
    const done = await command(second.baseUrl, 'GetProcessInstanceByIdQuery', { id: instanceId });
    const history = (done.data as { history: { id: string; outcome: string }[] }).history;
    expect(history.map((entry) => [entry.id, entry.outcome])).toEqual([
      ['start', 'completed'],
      ['approve', 'completed'],
      ['end', 'completed'],
    ]);
  }, 120_000);
});
