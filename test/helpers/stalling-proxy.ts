import net, { type AddressInfo } from 'node:net';

/**
 * A TCP hop in front of PostgreSQL that can stop forwarding without closing anything (as a dropped
 * route or a failed-over address does: statements hang), then recover: the stuck connections are
 * reset, as the kernel eventually does, and new ones are forwarded again.
 */
export async function startStallingProxy(target: URL) {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let stalled = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk) => void (stalled || to.write(chunk)));
      from.on('error', () => to.destroy());
      from.on('close', () => {
        to.destroy();
        pairs.delete(pair);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    /** Stops forwarding: bytes sent now are dropped, and nothing is closed. */
    stall: () => {
      stalled = true;
    },
    /** Resets the stalled connections and forwards again. */
    recover() {
      stalled = false;
      for (const [client] of pairs) client.resetAndDestroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const [client] of pairs) client.destroy();
        server.close(() => resolve());
      }),
  };
}
