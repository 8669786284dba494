import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChildService, type ChildService } from '../helpers/child-service.js';

const root = join(import.meta.dirname, '..', '..');

/** README's walkthrough: its shell blocks, the one that starts the service first. */
async function walkthroughBlocks(): Promise<{ start: string; steps: string[] }> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Walkthrough')[1]?.split('\n## ')[0] ?? '';
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!);
  const [start, ...steps] = blocks;
  return { start: start ?? '', steps };
}

/** `A=1 B=2 npm start` → { A: '1', B: '2' }: the environment README starts the service with. */
function environmentOf(startLine: string): Record<string, string> {
  const words = startLine.trim().split(/\s+/);
  return Object.fromEntries(
    words.slice(0, words.indexOf('npm')).map((word) => {
      const [name, value] = word.split('=');
      return [name!, value!];
    }),
  );
}

function runBash(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

/**
 * A newcomer's first hour, as README tells it: the test starts the service with the environment of
 * README's start block (on a free port, in a fresh data folder) and runs every other block, in
 * order, in one bash with `-euo pipefail`, so a command that fails or a file that is missing fails
 * the test.
 */
describe("README's walkthrough", { timeout: 240_000 }, () => {
  let folder: string;
  let service: ChildService;
  let blocks: Awaited<ReturnType<typeof walkthroughBlocks>>;
  beforeAll(async () => {
    blocks = await walkthroughBlocks();
    folder = await mkdtemp(join(tmpdir(), 'bpm-walkthrough-'));
    service = await startChildService({ ...environmentOf(blocks.start), DATA_DIR: folder }, 120_000);
  }, 150_000);
  afterAll(async () => {
    await service?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('starts the service with npm start and runs every later block to the completed loan', async () => {
    expect(blocks.start).toMatch(/^[A-Z_=\w./, -]*npm start$/m);
    expect(blocks.steps.length).toBeGreaterThanOrEqual(4);
    const address = service.baseUrl.replace('http://', '');
    const script = blocks.steps.join('\n').replaceAll('localhost:8080', address);
    const { code, output } = await runBash(script, {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? folder,
      DATA_DIR: folder,
      BPM_WEBHOOKS_URL: service.baseUrl,
    });
    expect(code, output).toBe(0);
    expect(output).toContain('"message":"Webhook processed successfully"');
    expect(output).toMatch(/"amountKobo":15000050/);
    expect(output).toMatch(/COMPLETED[\s\S]*"loanStatus":"repaying"/);
    expect(output).toMatch(/remita-collection-notification\s.*succeeded/);
  });
});
