import type { JsonObject } from '@bufbuild/protobuf';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalProcess } from '../fixtures/bpmn/definitions.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { createManagementClient } from '../helpers/management-clients.js';
import { startTestService, type RunningService } from '../helpers/test-service.js';
import { testSecret } from '../helpers/tokens.js';
import { callWebhook, createConfig } from '../helpers/webhook-calls.js';
import { failingCommand } from '../helpers/test-commands.js';

const root = join(import.meta.dirname, '..', '..');

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The CLI as a child process, run from source through tsx: the same code `npm run build` compiles
 * into the `bin`, without a build in the test run (see the package.json test below).
 */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bpm-webhooks.ts', ...args], {
      cwd: root,
      env: { ...process.env, BPM_WEBHOOKS_URL: '', BPM_WEBHOOKS_TOKEN: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The service runs on PGlite: the CLI only speaks to it over the wire. */
describe('the bpm-webhooks CLI against a running server', { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let service: RunningService;
  let folder: string;
  let remote: (args: string[]) => Promise<CliRun>;
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, { extraCommands: [failingCommand], startWorker: false });
    folder = await mkdtemp(join(tmpdir(), 'bpm-cli-'));
    remote = (args) => cli(['--url', service.baseUrl, ...args], { BPM_WEBHOOKS_TOKEN: service.adminToken });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('manages configurations from flags and from a YAML file, in tables and in JSON', async () => {
    const created = await remote([
      'configs',
      'create',
      '--key',
      'echo',
      '--path',
      'echo',
      '--action',
      'POST',
      '--type',
      'ExecuteNativeCommand',
      '--command',
      'EchoCommand',
    ]);
    expect(created).toMatchObject({ code: 0, stdout: 'Webhook configuration created successfully: id 1, key echo\n' });
    const file = join(folder, 'settlement.yaml');
    await writeFile(
      file,
      'key: settlement\npath: /settlement\naction: POST\nexecutionType: 0\ncommandName: FailingTestCommand\nresponseMode: async\nmaxAttempts: 1\n',
    );
    const fromFile = await remote(['--json', 'configs', 'create', '--file', file, '--disabled']);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({
      message: 'Webhook configuration created successfully',
      data: { id: '2', key: 'settlement', isEnabled: false },
    });

    const [table, json, shown, got] = await Promise.all([
      remote(['configs', 'list']),
      remote(['--json', 'configs', 'list', '--enabled', 'false']),
      remote(['configs', 'show', '1']),
      remote(['configs', 'get', '1']),
    ]);
    expect(got.stdout).toBe(shown.stdout);
    const activated = await remote(['configs', 'activate', '2']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+KEY\s+ENABLED\s+ACTION\s+PATH\s+TYPE/);
    expect(table.stdout).toMatch(/\n1\s+echo\s+yes\s+POST\s+echo\s+ExecuteNativeCommand/);
    expect(JSON.parse(json.stdout).data.items.map((item: { key: string }) => item.key)).toEqual(['settlement']);
    expect(activated).toMatchObject({ code: 0, stdout: 'Webhook configuration activated successfully: id 2\n' });
    expect(shown.stdout).toMatch(/^execution\s+ExecuteNativeCommand \(EchoCommand\)$/m);
    const paused = await remote(['configs', 'pause', '2']);
    expect(paused).toMatchObject({ code: 0, stdout: 'Webhook delivery paused successfully: id 2\n' });
    const resumed = await remote(['--json', 'configs', 'resume', '2']);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ message: 'Webhook delivery resumed successfully', data: { id: '2' } });
    expect(JSON.parse(resumed.stdout).data.deliveryPausedAt).toBeUndefined();

    const updated = await remote(['configs', 'update', '1', '--description', 'echoes']);
    expect(updated).toMatchObject({ code: 0, stdout: 'Webhook configuration updated successfully: id 1, version 2\n' });
    const deactivated = await remote(['--json', 'configs', 'deactivate', '1']);
    expect(JSON.parse(deactivated.stdout)).toMatchObject({ data: { id: '1', isEnabled: false, description: 'echoes' } });
    const deleted = await remote(['configs', 'delete', '1']);
    expect(deleted).toMatchObject({ code: 0, stdout: 'Webhook configuration deleted successfully: id 1\n' });
  });

  it('lists, shows and replays events in bulk with a progress line', async () => {
    await createConfig(service.baseUrl, {
      key: 'payouts',
      path: '/payouts',
      action: 'POST',
      executionType: 0,
      commandName: 'FailingTestCommand',
      responseMode: 'async',
      maxAttempts: 1,
    });
    for (const n of [1, 2]) {
      const response = await callWebhook(service.baseUrl, 'payouts', {
        body: JSON.stringify({ n }),
        headers: { 'x-request-id': `cli-${n}` },
      });
      expect(response.status).toBe(202);
    }
    await service.worker.drain();
    const [table, json, shown, bySource] = await Promise.all([
      remote(['events', 'list', '--status', 'dead']),
      remote(['--json', 'events', 'list', '--key', 'payouts']),
      remote(['events', 'show', '1']),
      remote(['events', 'list', '--key', 'router']),
    ]);
    expect(bySource.stderr).toBe('"router" is a source, not a configuration key: try --source router\n');
    expect(table.stdout).toMatch(/^ID\s+KEY\s+SOURCE\s+STATUS\s+ATTEMPTS\s+RECEIVED\s+REQUEST ID$/m);
    expect(table.stdout).toMatch(/^2\s+payouts\s+router\s+dead\s+1\/1\s+\S+\s+cli-2$/m);
    expect(JSON.parse(json.stdout).data.totalCount).toBe(2);
    expect(shown.stdout).toMatch(/^1\s+failed\s+\S+\s+[\d.]+\s+Core banking is unreachable$/m);

    const replayed = await remote(['events', 'replay', '--status', 'dead', '--key', 'payouts']);
    expect(replayed).toMatchObject({ code: 0, stdout: 'replayed 2 of 2 event(s)\n' });
    expect(replayed.stderr).toContain('\rreplaying 2/2 (0 failed)');
    const again = await remote(['--json', 'events', 'replay', '1', '999']);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ replayed: [], failed: [{ id: '1' }, { id: '999' }] });
  });

  describe('processes', () => {
    const admin = () => createManagementClient('gateway', service.baseUrl, service.adminToken);
    const deployApproval = async () => {
      const client = admin();
      const deployed = await client.call('DeployProcessDefinitionCommand', { name: 'approval', bpmnXml: approvalProcess });
      client.close();
      return (deployed.data as { id: number }).id;
    };
    const startApproval = async (variables: JsonObject = {}) => {
      const client = admin();
      const started = await client.call('StartProcessInstanceCommand', {
        processDefinitionId: await deployApproval(),
        variables,
      });
      client.close();
      return (started.data as { instanceId: number }).instanceId;
    };

    it('deploys a BPMN file, named after the file unless --name is given', async () => {
      const file = join(folder, 'loan-approval.bpmn');
      await writeFile(file, approvalProcess);
      const deployed = await remote(['processes', 'deploy', file]);
      expect(deployed).toMatchObject({ code: 0, stdout: expect.stringMatching(/: id \d+, loan-approval version 1\n$/) });
      const again = await remote(['--json', 'processes', 'deploy', file, '--name', 'loan-approval', '--description', 'v2']);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ data: { name: 'loan-approval', version: 2, description: 'v2' } });
      expect(await remote(['processes', 'deploy', join(folder, 'missing.bpmn')])).toMatchObject({ code: 2 });
    });

    it('starts an instance with variables and prints where it waits', async () => {
      const definitionId = String(await deployApproval());
      const [table, json] = await Promise.all([
        remote(['processes', 'start', definitionId, '--variables', '{"amount":250000}']),
        remote(['--json', 'processes', 'start', definitionId, '--variables', '{"amount":5}']),
      ]);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^INSTANCE\s+STATUS\s+CURRENT TASK\n\d+\s+WAITING\s+Approve\n$/);
      expect(JSON.parse(json.stdout)).toMatchObject({ data: { status: 'WAITING', variables: { amount: 5 } } });
      expect(await remote(['processes', 'start', definitionId, '--variables', '[1]'])).toMatchObject({ code: 2 });
    });

    it('shows an instance with its waiting task, in a table and in JSON', async () => {
      const id = String(await startApproval({ customer: 'ACME' }));
      const [table, json, missing] = await Promise.all([
        remote(['processes', 'show', id]),
        remote(['--json', 'processes', 'show', id]),
        remote(['processes', 'show', '999999']),
      ]);
      expect(table.code).toBe(0);
      expect(table.stdout).toContain('WAITING');
      expect(table.stdout).toMatch(/waiting\nTASK\s+NAME\s+TYPE\napprove\s+Approve/);
      expect(table.stdout).toContain('variables: {"customer":"ACME"}');
      expect(JSON.parse(json.stdout)).toMatchObject({ data: { id, status: 'WAITING', waitingTasks: [{ id: 'approve' }] } });
      expect(missing.code).toBe(1);
    });

    it('signals the waiting task, merging variables, to completion', async () => {
      const id = String(await startApproval());
      const variables = join(folder, 'decision.yaml');
      await writeFile(variables, 'approved: true\n');
      const signalled = await remote(['--json', 'processes', 'signal', id, '--task', 'approve', '--file', variables]);
      expect(signalled.code).toBe(0);
      expect(JSON.parse(signalled.stdout)).toMatchObject({ data: { id, status: 'COMPLETED', variables: { approved: true } } });
      const again = await remote(['processes', 'signal', id]);
      expect(again.code).toBe(1);
    });
  });

  it('lists, correlates and cancels process instances', async () => {
    const deployed = await remote(['--json', 'processes', 'deploy', join(root, 'examples', 'loan.bpmn')]);
    const definitionId = JSON.parse(deployed.stdout).data.id as string;
    const started = await remote([
      '--json',
      'processes',
      'start',
      definitionId,
      '--variables',
      '{"loanAmount":5000,"mandateRef":"MR-7"}',
    ]);
    const loanId = JSON.parse(started.stdout).data.instanceId as string;
    const [correlated, unknown] = await Promise.all([
      remote([
        '--json',
        'processes',
        'correlate',
        definitionId,
        '--message',
        'RepaymentCollected',
        '--key',
        'MR-7',
        '--variables',
        '{"amount":"5000.00","paymentStatus":"SUCCESSFUL"}',
      ]),
      remote(['processes', 'correlate', definitionId, '--message', 'RepaymentCollected', '--key', 'MR-404']),
    ]);
    expect(JSON.parse(correlated.stdout)).toMatchObject({
      data: { id: loanId, status: 'COMPLETED', variables: { loanStatus: 'repaying' } },
    });
    expect(unknown.code).toBe(1);

    const second = await remote([
      '--json',
      'processes',
      'start',
      definitionId,
      '--variables',
      '{"loanAmount":500000,"mandateRef":"MR-8"}',
    ]);
    const waitingId = JSON.parse(second.stdout).data.instanceId as string;
    const cancelled = await remote(['processes', 'cancel', waitingId, '--reason', 'customer withdrew']);
    expect(cancelled.stdout).toMatch(new RegExp(`^${waitingId}\\s+${definitionId}\\s+CANCELLED`, 'm'));
    const listed = await remote(['processes', 'list', '--definition', definitionId]);
    expect(listed.stdout).toMatch(
      new RegExp(`^${waitingId}\\s+${definitionId}\\s+CANCELLED[\\s\\S]*^${loanId}\\s+${definitionId}\\s+COMPLETED`, 'm'),
    );
    expect(listed.stdout).toMatch(/^2 in all$/m);
  });

  it('rotates a secret: a generated one printed once, a given one read from a file, the old one valid until --expires-in', async () => {
    const config = await createConfig(service.baseUrl, {
      key: 'cli-rotated',
      path: '/cli-rotated',
      action: 'POST',
      executionType: 0,
      commandName: 'EchoCommand',
      verification: { scheme: 'api-key', secret: 'first-key-0123456789' },
    });
    const generated = await remote(['configs', 'rotate-secret', String(config.id)]);
    expect(generated.code).toBe(0);
    const [summary, shown] = generated.stdout.trimEnd().split('\n');
    expect(summary).toMatch(new RegExp(`^Webhook secret rotated successfully: id ${config.id}, old secrets valid until \\d{4}-`));
    const secret = /^new secret \(shown once\): ([0-9a-f]{64})$/.exec(shown ?? '')?.[1];
    expect(secret).toBeDefined();
    const keyStatus = async (key: string) =>
      (await callWebhook(service.baseUrl, 'cli-rotated', { body: '{}', headers: { 'x-api-key': key } })).status;
    expect([await keyStatus(secret!), await keyStatus('first-key-0123456789')]).toEqual([200, 200]);

    const file = join(folder, 'new-secret.txt');
    await writeFile(file, 'issued-by-sender-0123456789\n');
    const given = await remote([
      'configs',
      'rotate-secret',
      String(config.id),
      '--secret-file',
      file,
      '--expires-in',
      '0',
      '--json',
    ]);
    expect(given.code).toBe(0);
    const answer = JSON.parse(given.stdout) as { data: { secret?: string; config: { verification: { secretCount: number } } } };
    expect(answer.data.secret).toBeUndefined();
    expect(answer.data.config.verification.secretCount).toBe(1);
    expect([await keyStatus('issued-by-sender-0123456789'), await keyStatus(secret!)]).toEqual([200, 401]);
    expect((await remote(['configs', 'rotate-secret', String(config.id), '--expires-in', '-5'])).code).toBe(2);
  });

  it('exits 1 when the server refuses, 2 on a usage mistake, 3 without a valid token, 4 when it cannot connect', async () => {
    const [missing, usage, badFile, unauthorized, unreachable] = await Promise.all([
      remote(['configs', 'get', '424242']),
      remote(['configs', 'frobnicate']),
      remote(['configs', 'create', '--file', join(folder, 'missing.yaml')]),
      cli(['--url', service.baseUrl, '--token', 'not-a-jwt', 'configs', 'list']),
      cli(['--url', 'http://127.0.0.1:1', 'events', 'list']),
    ]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: 'error: Configuration not found: No webhook configuration found with the specified ID (NotFound)\n',
    });
    expect(usage.code).toBe(2);
    expect(badFile).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: Cannot read /) });
    expect(unauthorized).toMatchObject({ code: 3, stderr: expect.stringContaining('(Unauthenticated)') });
    expect(unreachable.code).toBe(4);
  });

  it('runs token and migrate through the same entry points as npm run token and npm run migrate', async () => {
    const [token, migrate] = await Promise.all([
      cli(['token', '--scope', 'events:read', '--sub', 'ci'], { AUTH_HS256_SECRET: testSecret }),
      cli(['migrate'], { DATABASE_URL: 'memory://' }),
    ]);
    expect(token.code).toBe(0);
    const listed = await cli(['--url', service.baseUrl, '--token', token.stdout.trim(), '--json', 'events', 'list']);
    expect(listed.code).toBe(0);
    expect(migrate).toMatchObject({ code: 0, stdout: 'migrations applied (pglite)\n' });
  });
});

describe('the bpm-webhooks bin', () => {
  it('is the compiled CLI, which starts with a node shebang', async () => {
    const manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(manifest.bin).toEqual({ 'bpm-webhooks': 'dist/src/cli/bpm-webhooks.js' });
    const source = await readFile(join(root, 'src/cli/bpm-webhooks.ts'), 'utf8');
    expect(source.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});
