/**
 * Entry of a script host process (forked by script-host.ts with `--no-node-snapshot`). It holds the
 * isolates; the service holds everything else. Its limits come as one JSON argument. When the
 * service goes away (channel closed), the host ends too.
 */
import { createHostRuntime } from './create-host-runtime.js';
import type { FromHost, HostLimits, ToHostBatch } from './host-protocol.js';

const limits = JSON.parse(process.argv[2] ?? '{}') as HostLimits;
const send = (message: FromHost) => {
  if (process.connected) process.send?.(message);
};
const runtime = createHostRuntime(limits, send);
process.on('message', (batch) => {
  for (const message of batch as ToHostBatch) runtime.receive(message);
});
process.on('disconnect', () => {
  runtime.dispose();
  process.exit(0);
});
send({ t: 'ready' });
runtime.warmSpares();
