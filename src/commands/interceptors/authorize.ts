import { AppError } from '../../errors.js';
import type { CommandInterceptor } from '../command-bus.js';

/**
 * Operators need the command's permission; webhook executions may run only the commands marked
 * runnable from a webhook, so a webhook can never manage configurations.
 */
export const authorize: CommandInterceptor = (next) => async (call) => {
  const { actor } = call.ctx;
  const allowed = actor.kind === 'operator' ? actor.permissions.has(call.command.permission) : call.command.runnableFromWebhook;
  if (!allowed) {
    call.ctx.log.info({ actor: actor.subject, permission: call.command.permission }, 'command refused');
    throw new AppError('permission_denied', 'Forbidden', [`Not allowed to run ${call.command.name}`]);
  }
  return next(call);
};
