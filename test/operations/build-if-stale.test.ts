import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JavaScript that runs before anything is compiled; it has no declarations.
import { isBuildStale } from '../../scripts/build-if-stale.mjs';

const stale = isBuildStale as (root: string) => boolean;

describe("npm start's build check", () => {
  let root: string;
  const write = async (path: string, secondsAgo: number) => {
    const file = join(root, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '');
    const at = new Date(Date.now() - secondsAgo * 1000);
    await utimes(file, at, at);
  };
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'build-check-'));
    await write('src/main.ts', 60);
    await write('console/src/app.tsx', 60);
    await write('package.json', 60);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('builds when dist/ lacks the service or the console', async () => {
    expect(stale(root)).toBe(true);
    await write('dist/src/main.js', 10);
    expect(stale(root)).toBe(true);
  });

  it('does not build when dist/ is newer than every source, and builds once one changes', async () => {
    await write('dist/src/main.js', 10);
    await write('dist/console/index.html', 10);
    expect(stale(root)).toBe(false);
    await write('console/src/app.tsx', 0);
    expect(stale(root)).toBe(true);
  });
});
