import { defineConfig } from 'vitest/config';

/**
 * The web console's browser tests (npm run test:console): the console is built into dist/console,
 * then Debian's chromium drives it against a real service.
 */
export default defineConfig({
  test: {
    include: ['test/console/**/*.test.ts'],
    // The service under test runs scripts in isolated-vm, which needs forks started with --no-node-snapshot.
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['test/helpers/global-setup.ts', 'test/console/build-console.ts'],
    // One browser at a time: two cores are shared with the service under test.
    fileParallelism: false,
    // A flow is a dozen page loads and waits; a loaded CI machine can take a while.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
