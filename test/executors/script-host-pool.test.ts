import { afterAll, describe, expect, it } from 'vitest';
import { createScriptHostPool, type ScriptHostEvent } from '../../src/executors/script/script-host-pool.js';

describe('script host pool', () => {
  const events: ScriptHostEvent[] = [];
  const pool = createScriptHostPool({
    hosts: 1,
    limits: { memoryMb: 32, isolates: 1, maxLogLines: 10, maxLogLineChars: 100, maxResultBytes: 1024 },
    onHostEvent: (event) => events.push(event),
    backoffBaseMs: 200,
  });
  afterAll(() => pool.dispose());

  it('replaces a dead host at once, then backs off when the new one dies soon after its start', async () => {
    const first = await pool.pick();
    first.kill();
    const second = await pool.pick();
    expect(second.pid).not.toBe(first.pid);
    second.kill();
    const third = await pool.pick();
    expect(third.pid).not.toBe(second.pid);
    expect(events.map((event) => event.type)).toEqual(['started', 'exited', 'started', 'exited', 'backoff', 'started']);
    expect(events[4]).toMatchObject({ type: 'backoff', delayMs: 200, deathsInARow: 2 });
    expect(events[1]).toMatchObject({ type: 'exited', signal: 'SIGKILL', memory: false });
    expect(pool.stats()).toMatchObject({
      hosts: 1,
      live: 1,
      pids: [third.pid],
      starts: 3,
      crashes: 2,
      memoryAborts: 0,
      backoffs: 1,
    });
  });
});
