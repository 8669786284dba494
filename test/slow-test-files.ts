/** The tests of `npm run test:slow` (vitest.slow.config.ts); `npm test` leaves them out. */
export const slowTestFiles = [
  'test/faults/**/*.test.ts',
  'test/operations/cli.test.ts',
  'test/operations/readme-walkthrough.test.ts',
  'test/auth/token-cli.test.ts',
  'test/e2e/crash-recovery.test.ts',
  'test/e2e/embedded-restart.test.ts',
  'test/e2e/executor-process.test.ts',
  'test/e2e/process-crash.test.ts',
  'test/e2e/process-shared-postgres.test.ts',
  'test/e2e/shared-postgres.test.ts',
  'test/e2e/delivery-pause-processes.test.ts',
  'test/e2e/ordering-keys-processes.test.ts',
  'test/e2e/delivery-limits-processes.test.ts',
  'test/e2e/delivery-limits-crash.test.ts',
  'test/e2e/provider-concurrency.test.ts',
  'test/notify/notifications-two-processes.test.ts',
] as const;
