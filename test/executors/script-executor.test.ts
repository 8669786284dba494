import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { dataOf, scriptRequest } from '../helpers/execution-requests.js';
import { createCancellableCommand } from '../helpers/test-commands.js';
import { defaultExecutors, startTestService, type RunningService } from '../helpers/test-service.js';

describe('ExecuteCode through the ExecutionService (in process)', () => {
  // A memory bomb spends its last second in V8's last-resort GCs before the heap breach ends it:
  // the service-wide timeout leaves it room on a loaded machine.
  const limits = { ...defaultExecutors.script, timeoutMs: 3_000, memoryMb: 32, maxLogLines: 20, maxLogLineChars: 200 };
  let database: TestDatabase;
  let service: RunningService;
  const cancellable = createCancellableCommand();
  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db, {
      executors: { script: limits },
      extraCommands: [cancellable.command],
    });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  const run = (code: string, fields: Parameters<typeof scriptRequest>[1] = {}) =>
    service.execution.execute(scriptRequest(code, fields));

  /** After every attack: the server still answers and a normal script still runs. */
  async function expectHealthy(): Promise<void> {
    const health = await fetch(`${service.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    const result = await run('return { sum: body.data.amount + 1 };');
    expect(result.success).toBe(true);
    expect(dataOf(result)).toEqual({ sum: 5001 });
  }

  it('transforms the body and captures console output', async () => {
    const result = await run(`
      console.log('amount', body.data.amount, { ref: body.data.reference });
      console.warn('careful');
      return { reference: body.data.reference, kobo: body.data.amount * 100, key: context.key, attempt: context.attempt };
    `);
    expect(result.success).toBe(true);
    expect(dataOf(result)).toEqual({ reference: 'ref-1', kobo: 500000, key: 'paystack-charge', attempt: 1 });
    expect(result.logs.map(({ level, message }) => ({ level, message }))).toEqual([
      { level: 'log', message: 'amount 5000 {"ref":"ref-1"}' },
      { level: 'warn', message: 'careful' },
    ]);
  });

  it('runs a command with doCmd synchronously and records it as a step', async () => {
    const result = await run(`
      const echoed = doCmd('EchoCommand', { settled: body.data.amount });
      return { echoed, type: typeof echoed.then };
    `);
    expect(result.success).toBe(true);
    expect(dataOf(result)).toEqual({
      echoed: { isSuccessful: true, message: 'Command executed successfully', data: { settled: 5000 }, errors: [] },
      type: 'undefined',
    });
    expect(result.steps).toMatchObject([{ commandName: 'EchoCommand', success: true }]);
  });

  it('answers the caller directly with httpResponse', async () => {
    const result = await run(
      `return { httpResponse: { status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'challenge-42' }, ok: true };`,
    );
    expect(result.success).toBe(true);
    expect(result.httpResponse).toMatchObject({ status: 200, headers: { 'content-type': 'text/plain' } });
    expect(dataOf(result)).toEqual({ ok: true });
  });

  it('refuses a malformed httpResponse', async () => {
    const result = await run('return { httpResponse: { status: 99 } };');
    expect(result).toMatchObject({ success: false, errors: ['httpResponse.status must be an integer between 200 and 599'] });
  });

  it('reports a thrown error with its message', async () => {
    const result = await run(`throw new TypeError('amount missing');`);
    expect(result).toMatchObject({ success: false, errors: ['TypeError: amount missing'] });
  });

  it('stops an infinite loop at the config timeout', async () => {
    const started = performance.now();
    const result = await run('while (true) {}', { timeoutMs: 150 });
    expect(result).toMatchObject({ success: false, errors: ['Script timed out after 150 ms'] });
    expect(performance.now() - started).toBeLessThan(1_000);
    await expectHealthy();
  });

  it('never exceeds the service-wide timeout, whatever the config says', async () => {
    const result = await run('while (true) {}', { timeoutMs: 60_000 });
    expect(result).toMatchObject({ success: false, errors: [`Script timed out after ${limits.timeoutMs} ms`] });
    await expectHealthy();
  });

  it('survives deep recursion', async () => {
    const result = await run('function dive(n) { return dive(n + 1) + 1; } return dive(0);');
    expect(result).toMatchObject({ success: false, errors: ['RangeError: Maximum call stack size exceeded'] });
    await expectHealthy();
  });

  it('ends a memory bomb with a clear error and replaces the isolate', async () => {
    const result = await run('const hoard = []; while (true) hoard.push(new Array(100000).fill(hoard.length + 0.5));');
    expect(result).toMatchObject({ success: false, errors: ['Script exceeded its memory limit'] });
    await expectHealthy();
  });

  it('refuses a huge string result', async () => {
    const result = await run('return "x".repeat(5 * 1024 * 1024);');
    expect(result).toMatchObject({ success: false, errors: ['Script result exceeds 1048576 characters'] });
    await expectHealthy();
  });

  it('has no way out to the host: no process, require, fetch, timers', async () => {
    // After lockdown the shared Function constructor is inert; a compartment's own one only sees its globals.
    const breakout = await run(`return this.constructor.constructor('return process')();`);
    expect(breakout).toMatchObject({
      success: false,
      errors: ['TypeError: Function.prototype.constructor is not a valid constructor.'],
    });
    // A compartment reads an unknown global as undefined (SES scope proxy) rather than throwing.
    const viaFunction = await run(`return [Function('return typeof process')(), Function('return process')() === undefined];`);
    expect(dataOf(viaFunction)).toEqual(['undefined', true]);
    const globals = await run(
      'return [typeof require, typeof process, typeof fetch, typeof setTimeout, typeof setInterval, typeof WebAssembly, typeof Atomics, typeof module];',
    );
    expect(dataOf(globals)).toEqual(Array(8).fill('undefined'));
    await expectHealthy();
  });

  it('cannot reach the host references through callers or stack frames', async () => {
    // Scripts are strict (SES): arguments.callee and fn.caller throw instead of answering.
    const result = await run(`
      let caller = null;
      try { caller = String(arguments.callee.caller); } catch (error) { caller = error.name; }
      Error.prepareStackTrace = (_error, frames) => frames.map((frame) => {
        const fn = frame.getFunction();
        return fn ? String(fn).includes(['host', 'Cmd'].join('')) : false;
      });
      const stack = new Error('probe').stack;
      const frames = Array.isArray(stack) ? stack : [String(stack).includes(['host', 'Cmd'].join(''))];
      let viaDoCmd = null;
      try { viaDoCmd = doCmd.caller === undefined ? 'none' : 'reached'; } catch (error) { viaDoCmd = error.name; }
      return { caller, leaks: frames.filter(Boolean).length, viaDoCmd };
    `);
    expect(result.errors).toEqual([]);
    expect(dataOf(result)).toEqual({ caller: 'TypeError', leaks: 0, viaDoCmd: 'none' });
    await expectHealthy();
  });

  it('does not let prototype pollution or global tampering reach the next run', async () => {
    const same = { configId: 41, configVersion: 1 };
    // Intrinsics and the global object are frozen: tampering throws. doCmd is the run's own parameter.
    const polluter = await run(
      `const tries = {
         proto: () => { Object.prototype.polluted = 'yes'; },
         map: () => { Array.prototype.map = () => 'hijacked'; },
         json: () => { JSON.stringify = () => '"forged"'; },
         global: () => { globalThis.leak = 1; },
         doCmd: () => { doCmd = () => ({ isSuccessful: true }); },
       };
       const outcome = {};
       for (const name of Object.keys(tries)) {
         try { tries[name](); outcome[name] = 'changed'; } catch (error) { outcome[name] = error.name; }
       }
       return outcome;`,
      same,
    );
    expect(dataOf(polluter)).toEqual({
      proto: 'TypeError',
      map: 'TypeError',
      json: 'TypeError',
      global: 'TypeError',
      doCmd: 'changed',
    });
    const next = await run(
      `return { polluted: typeof ({}).polluted, leak: typeof leak, mapped: [1, 2].map((n) => n * 2),
                json: JSON.stringify({ a: 1 }), echo: doCmd('EchoCommand', 1).data };`,
    );
    expect(dataOf(next)).toEqual({ polluted: 'undefined', leak: 'undefined', mapped: [2, 4], json: '{"a":1}', echo: 1 });
  });

  it('refuses a management command from doCmd: a webhook cannot change configurations', async () => {
    const result = await run(`return doCmd('DeleteWebHookConfigCommand', { id: 1 });`);
    expect(result.success).toBe(true);
    expect(dataOf(result)).toEqual({
      isSuccessful: false,
      message: 'Forbidden',
      data: null,
      errors: ['Not allowed to run DeleteWebHookConfigCommand'],
    });
    expect(result.steps).toMatchObject([{ commandName: 'DeleteWebHookConfigCommand', success: false }]);
  });

  it('bounds doCmd recursion', async () => {
    const result = await run(`function again(n) { doCmd('EchoCommand', n); return again(n + 1); } return again(0);`);
    expect(result).toMatchObject({
      success: false,
      errors: [`Error: Script exceeded ${defaultExecutors.script.maxCommandCalls} doCmd calls`],
    });
    expect(result.steps).toHaveLength(defaultExecutors.script.maxCommandCalls);
    await expectHealthy();
  });

  it('truncates thousands of console lines', async () => {
    const result = await run(`for (let i = 0; i < 5000; i++) console.log('line', i, 'y'.repeat(500)); return 'ok';`);
    expect(result.success).toBe(true);
    expect(result.logs).toHaveLength(21);
    expect(result.logs[0]?.message).toHaveLength(200);
    expect(result.logs[20]).toMatchObject({
      level: 'warn',
      message: 'Console output truncated after 20 lines: 4980 more lines dropped',
    });
    await expectHealthy();
  });

  it('refuses a returned promise: scripts are synchronous', async () => {
    const result = await run('return Promise.resolve(1);');
    expect(result).toMatchObject({ success: false, errors: ['Scripts are synchronous: return a value, not a Promise'] });
  });

  it('reports a syntax error with its line instead of running', async () => {
    const result = await run('const a = 1;\nreturn {');
    expect(result.success).toBe(false);
    expect(result.errors[0]).toMatch(/^Execution code does not compile: SyntaxError: .*\[executionCode:3:\d+\]$/);
  });

  it('cancels the command a doCmd is waiting on when the call is aborted', async () => {
    const controller = new AbortController();
    const call = service.execution.execute(scriptRequest(`return doCmd('CancellableTestCommand', {});`), {
      signal: controller.signal,
    });
    await cancellable.started;
    controller.abort();
    // Released in the same turn: without the signal reaching the command, it would end 'released'.
    cancellable.release();
    await expect(call).rejects.toThrow(/cancel|abort/i);
    expect(await cancellable.ended).toBe('cancelled');
    await expectHealthy();
  });
});
