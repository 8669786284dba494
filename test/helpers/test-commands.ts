import { ValueSchema } from '@bufbuild/protobuf/wkt';
import { defineCommand } from '../../src/commands/command.js';
import { AppError } from '../../src/errors.js';

/** A webhook command that always fails, as a core-banking call would while its host is down. */
export const failingCommand = defineCommand({
  name: 'FailingTestCommand',
  input: ValueSchema,
  output: ValueSchema,
  permission: 'webhooks:write',
  successMessage: 'Command executed successfully',
  runnableFromWebhook: true,
  handle: async () => {
    throw new AppError('execution_failed', 'Command failed', ['Core banking is unreachable']);
  },
});

/** A webhook command with a bug: it throws a TypeError, not a domain error, as an unexpected failure does. */
export const crashingCommand = defineCommand({
  name: 'CrashingTestCommand',
  input: ValueSchema,
  output: ValueSchema,
  permission: 'webhooks:write',
  successMessage: 'Command executed successfully',
  runnableFromWebhook: true,
  handle: async () => {
    throw new TypeError("Cannot read properties of undefined (reading 'amount')");
  },
});

/** Counts its runs per event id, so tests can see how often each event was executed; `delayMs` makes each run take that long. */
export function createCountingCommand(options: { delayMs?: number } = {}) {
  const runs = new Map<number, number>();
  const command = defineCommand({
    name: 'CountingTestCommand',
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: 'Command executed successfully',
    runnableFromWebhook: true,
    handle: async (input) => {
      const eventId = Number((input.kind.case === 'structValue' && input.kind.value.fields.eventId?.kind.value) ?? 0);
      runs.set(eventId, (runs.get(eventId) ?? 0) + 1);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return input;
    },
  });
  return { command, runs };
}

/** A command that waits until the test lets it go: an execution in flight at a chosen moment. */
export function createBlockingCommand() {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const command = defineCommand({
    name: 'BlockingTestCommand',
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: 'Command executed successfully',
    runnableFromWebhook: true,
    handle: async (input) => {
      markStarted();
      await gate;
      return input;
    },
  });
  return { command, started, release: () => release() };
}

/**
 * A command that waits until its `ctx.signal` aborts or the test releases it, and tells which came
 * first: an outside call in flight when its execution is cancelled.
 */
export function createCancellableCommand(name = 'CancellableTestCommand') {
  let release: () => void = () => {};
  const released = new Promise<'released'>((resolve) => (release = () => resolve('released')));
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let settle: (how: 'cancelled' | 'released') => void = () => {};
  const ended = new Promise<'cancelled' | 'released'>((resolve) => (settle = resolve));
  const command = defineCommand({
    name,
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: 'Command executed successfully',
    runnableFromWebhook: true,
    handle: async (input, ctx) => {
      markStarted();
      const cancelled = new Promise<'cancelled'>((resolve) => {
        if (ctx.signal?.aborted) resolve('cancelled');
        ctx.signal?.addEventListener('abort', () => resolve('cancelled'), { once: true });
      });
      const how = await Promise.race([cancelled, released]);
      settle(how);
      if (how === 'cancelled') throw new AppError('execution_failed', 'Command failed', ['Cancelled']);
      return input;
    },
  });
  return { command, started, ended, release: () => release() };
}

/** Fails its first `failures` runs of each event, then echoes: a core that comes back after an outage. */
export function createFlakyCommand(failures: number) {
  const runs = new Map<number, number>();
  const command = defineCommand({
    name: 'FlakyTestCommand',
    input: ValueSchema,
    output: ValueSchema,
    permission: 'webhooks:write',
    successMessage: 'Command executed successfully',
    runnableFromWebhook: true,
    handle: async (input) => {
      const eventId = Number((input.kind.case === 'structValue' && input.kind.value.fields.eventId?.kind.value) ?? 0);
      const run = (runs.get(eventId) ?? 0) + 1;
      runs.set(eventId, run);
      if (run <= failures) throw new AppError('execution_failed', 'Command failed', ['Core banking is unreachable']);
      return input;
    },
  });
  return { command, runs };
}
