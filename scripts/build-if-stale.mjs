// `npm start`'s prestart: builds the service and the console only when a source is newer than what
// dist/ holds, so a start after an unchanged checkout takes seconds, not a full build.
// Plain JavaScript, so it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build reads: a change to any of these makes dist/ stale. */
const sources = ['src', 'gen', 'console', 'package.json', 'package-lock.json', 'tsconfig.json'];
/** What the build writes: both must exist. */
const outputs = ['dist/src/main.js', 'dist/console/index.html'];

/** The newest modification time of the files under `path` (0 when none), skipping dependencies. */
function newestMtime(path) {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Whether dist/ is missing or older than a source of the build, under the project root `root`. */
export function isBuildStale(root) {
  const built = outputs.map((output) => newestMtime(join(root, output)));
  if (built.some((mtime) => mtime === 0)) return true;
  const oldestOutput = Math.min(...built);
  return sources.some((source) => newestMtime(join(root, source)) > oldestOutput);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (isBuildStale(root)) {
    const built = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    process.exit(built.status ?? 1);
  }
  console.error('dist/ is up to date with its sources: not building (npm run build forces it)');
}
