import knex from 'knex';

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/**
 * True when a store call failed because the database cannot be reached (connection refused or
 * lost, pool exhausted, server shutting down or starting), as opposed to a bug in a statement.
 */
export function isStoreUnavailable(error: unknown): boolean {
  if (error instanceof knex.KnexTimeoutError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (networkCodes.has(code) || /^(08|57P0)/.test(code))) return true;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)
  );
}
