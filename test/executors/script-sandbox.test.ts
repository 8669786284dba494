import { afterAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '@bufbuild/protobuf';
import { createScriptSandbox, maxScriptNesting, type ScriptRunRequest } from '../../src/executors/script/script-sandbox.js';
import { defaultExecutors } from '../helpers/test-service.js';

describe('script sandbox', () => {
  const sandbox = createScriptSandbox({ ...defaultExecutors.script, poolSize: 1, hosts: 1 });
  afterAll(() => sandbox.dispose());

  const request = (code: string, runCommand: ScriptRunRequest['runCommand']): ScriptRunRequest => ({
    cacheKey: `test:${code}`,
    code,
    context: { body: { n: 1 } },
    timeoutMs: 1_000,
    runCommand,
  });

  it('bounds nesting when a doCmd runs a command that runs a script again', async () => {
    const depths: number[] = [];
    const nested =
      (depth: number): ScriptRunRequest['runCommand'] =>
      async (_name, data) => {
        depths.push(depth);
        const inner = await sandbox.run(request(`return doCmd('Again', body.n + 1);`, nested(depth + 1)));
        return {
          isSuccessful: inner.ok,
          message: inner.ok ? 'ok' : inner.error,
          data: inner.ok ? inner.result : (data as JsonValue),
          errors: [],
        };
      };
    // One pooled isolate: nested runs take temporary ones instead of waiting for the busy one (no
    // deadlock). The first ones are locked down on demand: slow on a loaded machine, hence the timeout.
    const outcome = await sandbox.run({ ...request(`return doCmd('Again', body.n);`, nested(1)), timeoutMs: 60_000 });
    expect(outcome.ok).toBe(true);
    expect(depths).toEqual(Array.from({ length: maxScriptNesting }, (_, i) => i + 1));
    const innermost = JSON.stringify(outcome.ok && outcome.result);
    expect(innermost).toContain(`Scripts may nest at most ${maxScriptNesting} deep`);
  }, 120_000);

  it('times out a script whose doCmd never answers, and disposes the blocked isolate', async () => {
    const started = performance.now();
    const outcome = await sandbox.run({
      ...request(`try { doCmd('Hang', 1); } catch (error) { while (true) {} }`, () => new Promise(() => {})),
      timeoutMs: 200,
    });
    expect(outcome).toMatchObject({ ok: false, error: 'Script timed out after 200 ms' });
    expect(performance.now() - started).toBeLessThan(1_500);
    const after = await sandbox.run(
      request('return body.n + 1;', async () => ({ isSuccessful: true, message: '', data: null, errors: [] })),
    );
    expect(after).toMatchObject({ ok: true, result: 2 });
  });

  it('never runs a script that was cancelled while it waited for the busy isolate', async () => {
    const done = async () => ({ isSuccessful: true, message: '', data: null, errors: [] });
    let releaseHolder: () => void = () => {};
    const holding = new Promise<void>((resolve) => (releaseHolder = resolve));
    let markBusy: () => void = () => {};
    const busy = new Promise<void>((resolve) => (markBusy = resolve));
    const holder = sandbox.run(
      request(`return doCmd('Hold', 1);`, async () => {
        markBusy();
        await holding;
        return done();
      }),
    );
    await busy;

    const commandsRun: string[] = [];
    const controller = new AbortController();
    const queued = sandbox.run({
      ...request(`return doCmd('Effect', 1);`, async (name) => {
        commandsRun.push(name);
        return done();
      }),
      signal: controller.signal,
    });
    controller.abort();
    releaseHolder();

    expect(await queued).toMatchObject({ ok: false, error: 'Script was cancelled' });
    expect(await holder).toMatchObject({ ok: true });
    expect(commandsRun).toEqual([]);
    // The pool's one isolate is free again for the next script.
    const after = await sandbox.run(request('return body.n + 1;', done));
    expect(after).toMatchObject({ ok: true, result: 2 });
  });

  it('cancels a running script when the signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const outcome = await sandbox.run({
      ...request('while (true) {}', async () => ({ isSuccessful: true, message: '', data: null, errors: [] })),
      signal: controller.signal,
    });
    expect(outcome).toMatchObject({ ok: false, error: 'Script was cancelled' });
  });

  const echo: ScriptRunRequest['runCommand'] = async (_name, data) => ({ isSuccessful: true, message: 'ok', data, errors: [] });

  it('gives doCmd only to scripts that name it, and no script reaches it another way', async () => {
    // Not named: this run executes synchronously in its host, without a doCmd; eval and Function
    // see only the compartment's globals. (A direct eval, even parenthesised, is refused unrun.)
    // (A generous timeout: the loop cancelled in the test before may still hold the host.)
    const hidden = await sandbox.run({
      ...request(
        `const name = 'do' + 'Cmd'; return [typeof (0, eval)(name), typeof globalThis.eval(name), typeof Function('return ' + name)()];`,
        echo,
      ),
      timeoutMs: 10_000,
    });
    expect(hidden).toMatchObject({ ok: true, result: ['undefined', 'undefined', 'undefined'] });
    const direct = await sandbox.run(request(`const name = 'do' + 'Cmd'; return typeof (eval)(name);`, echo));
    expect(direct).toMatchObject({
      ok: false,
      error: expect.stringMatching(/direct eval\(\.\.\.\) \[executionCode:1:42\] is refused/),
    });
    // A name spelt with a Unicode escape still names it: that script gets its doCmd.
    const escaped = await sandbox.run(request(`return d\\u006fCmd('Echo', body.n + 1).data;`, echo));
    expect(escaped).toMatchObject({ ok: true, result: 2 });
  });

  it('ends a run that waited in its host behind another within its own timeout, without killing the host', async () => {
    const crashes = sandbox.stats?.().crashes;
    // One host, one isolate: the second loop waits for the first. Counted from when it was sent, its
    // time is up when it gets the isolate; given a full timeout then, it would outlive its deadline
    // by more than the 2 s the service allows a host, and the host would be killed.
    const loop = { ...request('while (true) {}', echo), timeoutMs: 2_500 };
    const outcomes = await Promise.all([sandbox.run(loop), sandbox.run({ ...loop, cacheKey: 'second loop' })]);
    expect(outcomes).toMatchObject([
      { ok: false, error: 'Script timed out after 2500 ms' },
      { ok: false, error: 'Script timed out after 2500 ms' },
    ]);
    expect(sandbox.stats?.().crashes).toBe(crashes);
  }, 30_000);

  it('lets a cancelled synchronous run end at its own timeout rather than killing its host', async () => {
    // A warm host first, so that the loop below is running when the cancel comes.
    expect(await sandbox.run({ ...request('return body.n;', echo), timeoutMs: 20_000 })).toMatchObject({ ok: true });
    const crashes = sandbox.stats?.().crashes;
    const controller = new AbortController();
    // Late enough for the host to be running it (a cancel that comes first stops it before it starts).
    setTimeout(() => controller.abort(), 1_000);
    // A run that cannot call doCmd blocks its host until its timeout: the cancel cannot stop it
    // sooner, and it has no effect the service would keep.
    const cancelled = await sandbox.run({ ...request('while (true) {}', echo), timeoutMs: 6_000, signal: controller.signal });
    expect(cancelled).toMatchObject({ ok: false, error: 'Script was cancelled' });
    const next = await sandbox.run({ ...request('return body.n + 1;', echo), timeoutMs: 20_000 });
    expect(next).toMatchObject({ ok: true, result: 2 });
    expect(sandbox.stats?.().crashes).toBe(crashes);
  }, 30_000);
});
