import type { Logger } from 'pino';
import type { ScriptHostEvent } from './script-host-pool.js';

/** Logs the supervision of script hosts: a death is a warning, a restart held back is an error. */
export function logScriptHostEvent(log: Logger): (event: ScriptHostEvent) => void {
  return (event) => {
    switch (event.type) {
      case 'started':
        log.debug({ slot: event.slot, pid: event.pid }, 'script host started');
        return;
      case 'exited':
        log.warn(
          { slot: event.slot, pid: event.pid, code: event.code, signal: event.signal, runsLost: event.runsLost },
          event.memory ? 'script host aborted: a script exceeded its memory limit' : 'script host crashed',
        );
        return;
      case 'backoff':
        log.error(
          { slot: event.slot, delayMs: event.delayMs, deathsInARow: event.deathsInARow },
          'script host keeps dying: restart delayed',
        );
        return;
      default:
        event satisfies never;
    }
  };
}
