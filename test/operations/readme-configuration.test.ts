import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configVariableNames } from '../../src/config/config.js';

const root = join(import.meta.dirname, '..', '..');

/** The variables named in the first column of README's configuration table. */
async function documentedVariables(): Promise<string[]> {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const section = readme.split('\n## Configuration\n')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((match) => match[1]!));
}

describe('README', () => {
  it('has a configuration row for every environment variable of the config schema, and none other', async () => {
    expect((await documentedVariables()).sort()).toEqual([...configVariableNames].sort());
  });

  it('links only to files inside the repository', async () => {
    const pages = ['README.md', 'docs/README.md', 'docs/architecture.md', 'docs/operations.md'];
    for (const page of pages) {
      const text = await readFile(join(root, page), 'utf8');
      const targets = [...text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)].map((match) => match[1]!);
      for (const target of targets) {
        expect(target, `${page} links to the web`).not.toMatch(/^[a-z]+:/);
        const resolved = join(root, page, '..', target);
        expect(resolved.startsWith(root), `${page} links outside the repository: ${target}`).toBe(true);
        await expect(access(resolved), `${page} -> ${target}`).resolves.toBeUndefined();
      }
    }
  });
});
