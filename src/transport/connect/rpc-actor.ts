import { createContextKey } from '@connectrpc/connect';
import type { Actor } from '../../commands/command.js';

/** The operator the edge authenticated from a call's headers, before its body was read (see authenticate-rpc-calls.ts). */
export const rpcActor = createContextKey<Actor | undefined>(undefined, { description: 'authenticated operator' });
