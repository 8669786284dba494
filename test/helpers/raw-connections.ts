import net from 'node:net';

/** A plain TCP connection to the service, connected. */
export function openSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** What a connection saw before it closed: the bytes the server sent, or 'open' if it is still open after `withinMs`. */
export function whenClosed(socket: net.Socket, withinMs = 10_000): Promise<{ received: string } | 'open'> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => resolve('open'), withinMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ received });
    });
  });
}

/** Writes `chunks` one after the other, `gapMs` apart, while the socket stays writable. */
export async function trickle(socket: net.Socket, chunks: readonly string[], gapMs: number): Promise<void> {
  for (const chunk of chunks) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(chunk);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

/** Polls until `/healthz` answers 200 (the service is alive), or throws after `withinMs`. */
export async function untilHealthy(baseUrl: string, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('/healthz did not answer 200');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
