import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config/config.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFile(join(root, file), 'utf8');

/** Dockerfile instructions, continuation lines joined. */
async function dockerfile(): Promise<{ instruction: string; args: string }[]> {
  const text = (await read('Dockerfile')).replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [instruction = '', ...rest] = line.split(/\s+/);
      return { instruction: instruction.toUpperCase(), args: rest.join(' ') };
    });
}

/** Compose's `${NAME:?message}`: the variable's value, or the refusal compose prints. */
function interpolate(environment: Record<string, string>, variables: Record<string, string>): Record<string, string> {
  const substitute = (value: string) =>
    value.replace(/\$\{(\w+):\?([^}]*)\}/g, (_all, name: string, message: string) => {
      const given = variables[name];
      if (!given) throw new Error(`required variable ${name} is missing a value: ${message}`);
      return given;
    });
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, substitute(String(value))]));
}

/** CI builds no image: these checks keep the Dockerfile and compose.yaml from drifting from package.json. */
describe('the container files', () => {
  it('start the service the way npm run start:prod does (never building), after the build npm run build does', async () => {
    const manifest = JSON.parse(await read('package.json')) as { scripts: Record<string, string> };
    const steps = await dockerfile();
    const cmd = steps.filter((step) => step.instruction === 'CMD').at(-1);
    expect((JSON.parse(cmd!.args) as string[]).join(' ')).toBe(manifest.scripts['start:prod']);
    expect(manifest.scripts['prestart:prod']).toBeUndefined();
    const runs = steps.filter((step) => step.instruction === 'RUN').map((step) => step.args);
    for (const run of runs.filter((r) => r.startsWith('npm run '))) expect(manifest.scripts).toHaveProperty(run.split(' ')[2]!);
    expect(runs).toContain('npm ci --ignore-scripts');
    expect(runs.indexOf('npm ci --ignore-scripts')).toBeLessThan(runs.indexOf('npm run build'));

    // The image runs the current LTS with the isolated-vm CI's LTS stage runs the suite with.
    const ci = await read('.ci/run');
    const ltsVersion = /lts_version=(\S+)/.exec(ci)![1];
    const isolatedVmForLts = /isolated_vm_for_lts=(\S+)/.exec(ci)![1];
    const bases = steps
      .filter((step) => step.instruction === 'FROM')
      .map((step) => /^node:(\d+\.\d+\.\d+)-/.exec(step.args)?.[1]);
    for (const base of bases) expect(base).toBe(ltsVersion);
    expect(runs.filter((run) => run.includes('isolated-vm@'))).toEqual([
      expect.stringContaining(`npm install --no-save --omit=dev isolated-vm@${isolatedVmForLts}`),
    ]);
    expect(bases.length).toBeGreaterThanOrEqual(2);
  });

  it('run as a non-root user with a health check on /readyz and the snapshot flag isolated-vm needs', async () => {
    const steps = await dockerfile();
    const runtime = steps.slice(steps.findLastIndex((step) => step.instruction === 'FROM'));
    expect(runtime.find((step) => step.instruction === 'USER')?.args).toBe('node');
    expect(runtime.find((step) => step.instruction === 'HEALTHCHECK')?.args).toContain('/readyz');
    expect(runtime.find((step) => step.instruction === 'CMD')?.args).toContain('--no-node-snapshot');
  });

  it('compose runs the service on PostgreSQL with a configuration the service accepts', async () => {
    const compose = parse(await read('compose.yaml')) as {
      services: Record<
        string,
        { image?: string; build?: string; environment?: Record<string, string>; depends_on?: Record<string, unknown> }
      >;
    };
    expect(compose.services.postgres?.image).toMatch(/^postgres:15\.\d+-/);
    const service = compose.services.webhooks!;
    expect(service.build).toBe('.');
    expect(service.depends_on).toHaveProperty('postgres');
    const secrets = { AUTH_HS256_SECRET: 'e'.repeat(64), METRICS_TOKEN: 'm'.repeat(32) };
    const config = loadConfig(interpolate(service.environment!, secrets));
    expect(config.database).toMatchObject({ engine: 'postgres', url: expect.stringContaining('@postgres:5432/') });
    expect(config.operations.metricsToken).toBe(secrets.METRICS_TOKEN);
  });

  it('compose refuses to start without a secret and a metrics token of its user, and carries no sample secret', async () => {
    const compose = parse(await read('compose.yaml')) as { services: { webhooks: { environment: Record<string, string> } } };
    const environment = compose.services.webhooks.environment;
    expect(() => interpolate(environment, { METRICS_TOKEN: 'm'.repeat(32) })).toThrow(/AUTH_HS256_SECRET/);
    expect(() => interpolate(environment, { AUTH_HS256_SECRET: 'e'.repeat(64) })).toThrow(/METRICS_TOKEN/);
  });
});
