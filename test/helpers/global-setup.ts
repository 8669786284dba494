import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * A fresh PGlite takes seconds to initialise; loading a dump of an empty one takes about one.
 * Made once per run, loaded by every test file that opens an embedded database.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const folder = await mkdtemp(join(tmpdir(), 'bpm-webhooks-test-'));
  const seedFile = join(folder, 'pglite-seed.tar');
  const pglite = await PGlite.create();
  await writeFile(seedFile, Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer()));
  await pglite.close();
  process.env.PGLITE_SEED_FILE = seedFile;
  return () => rm(folder, { recursive: true, force: true });
}
