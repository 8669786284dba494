import type { ScriptHostEvent } from '../executors/script/script-host-pool.js';
import type { Metrics } from './metrics.js';

/** Counts script host deaths (each is followed by a restart) by reason: a script's memory breach, or a crash. */
export function countScriptHostEvent(metrics: Metrics): (event: ScriptHostEvent) => void {
  return (event) => {
    if (event.type === 'exited') metrics.scriptHostRestarts.inc({ reason: event.memory ? 'memory' : 'crashed' });
  };
}
