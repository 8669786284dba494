import { configDefaults, defineConfig } from 'vitest/config';
import { slowTestFiles } from './test/slow-test-files.js';

/**
 * The fault-injection and multi-process tests (npm run test:slow): each starts services as child
 * processes, kills them, or breaks their database under load, so together they take minutes. They
 * live in a project of their own so `npm test` stays quick; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    include: [...slowTestFiles],
    exclude: [...configDefaults.exclude],
    pool: 'forks',
    execArgv: ['--no-node-snapshot'],
    globalSetup: ['test/helpers/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
