import { toAppError } from '../../errors.js';
import type { CommandInterceptor } from '../command-bus.js';

/** Logs every command with its duration, and turns unknown failures into AppErrors (the cause is logged, never sent). */
export const logOutcome: CommandInterceptor = (next) => async (call) => {
  const started = performance.now();
  try {
    const outcome = await next(call);
    call.ctx.log.debug({ durationMs: performance.now() - started }, 'command succeeded');
    return outcome;
  } catch (error) {
    const failure = toAppError(error);
    const level = failure.code === 'internal' ? 'error' : 'info';
    call.ctx.log[level](
      { durationMs: performance.now() - started, code: failure.code, errors: failure.errors, err: failure.cause },
      failure.message,
    );
    throw failure;
  }
};
