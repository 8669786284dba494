import type net from 'node:net';

const http2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** What the first bytes of a connection said. */
export type SniffedProtocol = 'http2' | 'http1';

/**
 * Waits for the first bytes of a connection and decides whether they are the HTTP/2 preface, then
 * puts them back so the chosen server reads them. Bytes arriving one at a time are gathered until they
 * decide; a connection that sends nothing deciding within `timeoutMs`, or ends first, is destroyed.
 * Errors (a reset, mostly) destroy the socket here and after hand-over: none reaches the process.
 */
export function sniffProtocol(socket: net.Socket, timeoutMs: number, decided: (protocol: SniffedProtocol) => void): void {
  // Stays for the socket's whole life: the servers it is handed to add their own listeners, but a
  // reset between accept and hand-over, or one they do not expect, must not become an uncaught error.
  socket.on('error', () => socket.destroy());
  const chunks: Buffer[] = [];
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  const finish = () => {
    clearTimeout(timer);
    socket.off('readable', onReadable);
    socket.off('end', onEnd);
    socket.off('close', finish);
  };
  const onEnd = () => {
    finish();
    socket.destroy();
  };
  const onReadable = () => {
    for (let chunk: Buffer | null = socket.read(); chunk !== null; chunk = socket.read()) chunks.push(chunk);
    const head = Buffer.concat(chunks);
    const length = Math.min(head.length, http2Preface.length);
    const isPrefix = head.subarray(0, length).equals(http2Preface.subarray(0, length));
    if (isPrefix && length < http2Preface.length) return;
    finish();
    socket.unshift(head);
    decided(isPrefix ? 'http2' : 'http1');
  };
  socket.on('readable', onReadable);
  socket.once('end', onEnd);
  socket.once('close', finish);
}
