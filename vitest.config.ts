import { configDefaults, defineConfig } from 'vitest/config';
import { slowTestFiles } from './test/slow-test-files.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The console's browser tests (vitest.console.config.ts) and the fault-injection and multi-process
    // tests (vitest.slow.config.ts) have projects of their own.
    exclude: [...configDefaults.exclude, 'test/console/**', ...slowTestFiles],
    // isolated-vm needs real child processes (not worker threads) started with --no-node-snapshot.
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
