import type { Logger } from 'pino';
import type { CommandBus } from '../commands/command-bus.js';
import type { ScriptLimits } from '../config/config.js';
import { createChainExecutor } from './chain/chain-executor.js';
import type { ExecutorCatalog } from './executor.js';
import { createNativeExecutor } from './native/native-executor.js';
import { logScriptHostEvent } from './script/log-script-host-event.js';
import { createScriptExecutor } from './script/script-executor.js';
import { createScriptSandbox } from './script/script-sandbox.js';
import { createUnavailableExecutor } from './unavailable-executor.js';

/** The executor of each execution type. */
export function createExecutorCatalog(bus: CommandBus, options: { script: ScriptLimits; clock?: () => Date; log?: Logger }): ExecutorCatalog {
  return {
    ExecuteNativeCommand: createNativeExecutor(bus),
    ExecuteCommandChain: createChainExecutor(bus),
    ExecuteCode: createScriptExecutor({
      sandbox: createScriptSandbox(options.script, {
        ...(options.clock && { clock: options.clock }),
        ...(options.log && { onHostEvent: logScriptHostEvent(options.log) }),
      }),
      bus,
      timeoutMs: options.script.timeoutMs,
    }),
    StartProcess: createUnavailableExecutor('StartProcess'),
  };
}
