import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The console's browser tests have their own project: vitest.console.config.ts.
    exclude: [...configDefaults.exclude, 'test/console/**'],
    // isolated-vm needs real child processes (not worker threads) started with --no-node-snapshot.
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
