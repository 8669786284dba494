import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { constantTimeEqual } from '../../src/domain/constant-time-equal.js';

const srcDirectory = new URL('../../src/', import.meta.url).pathname;

async function sourceFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory()
        ? sourceFiles(join(directory, entry.name))
        : [join(directory, entry.name)].filter((f) => f.endsWith('.ts')),
    ),
  );
  return nested.flat();
}

describe('constantTimeEqual', () => {
  it('is true only for the same bytes, whatever their lengths and whether given as text or bytes', () => {
    expect(constantTimeEqual('sec_live_7f3a', 'sec_live_7f3a')).toBe(true);
    expect(constantTimeEqual(Buffer.from('sec_live_7f3a'), 'sec_live_7f3a')).toBe(true);
    expect(constantTimeEqual('sec_live_7f3b', 'sec_live_7f3a')).toBe(false);
    expect(constantTimeEqual('sec_live_7f3', 'sec_live_7f3a')).toBe(false);
    expect(constantTimeEqual('', 'sec_live_7f3a')).toBe(false);
    expect(constantTimeEqual('é', Buffer.from('é', 'latin1'))).toBe(false);
  });

  it('is the only place under src/ that compares secrets with timingSafeEqual', async () => {
    const callers: string[] = [];
    for (const file of await sourceFiles(srcDirectory)) {
      if ((await readFile(file, 'utf8')).includes('timingSafeEqual')) callers.push(relative(srcDirectory, file));
    }
    expect(callers).toEqual(['domain/constant-time-equal.ts']);
  });
});
