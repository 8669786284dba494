import http2 from 'node:http2';
import type net from 'node:net';
import type { HttpRequest, HttpResponse } from './http-types.js';

type Handler = (request: HttpRequest, response: HttpResponse) => void;

/**
 * A declared body up to this size is still read to its end after an early answer: cheap, and a client
 * that is still sending it (a CLI with an expired token) then reads its 401 instead of a broken pipe.
 */
const drainedBodyBytes = 64 * 1024;

/**
 * After such an answer over HTTP/1.1, how long and how much of what the client still sends is read
 * and dropped before the connection is destroyed (nginx's lingering close): a close with unread data
 * resets the connection, and a client still writing its body would lose the answer with it.
 */
export const lingeringClose = { ms: 2_000, bytes: 4 * 1024 * 1024 } as const;

/**
 * A request answered before its body was read to the end (a refusal: 401, 404, 413, 503, an
 * over-large RPC) has the rest of its body cut off, not drained, unless it declared a small one: Node would otherwise read it to
 * its end to reuse the connection, a 100 MB upload or a body that stalls until the request timeout.
 * On HTTP/1.1 such an answer says `connection: close`; once it is written our side is closed and
 * what the client still sends is read and dropped for a bounded time and byte count (lingering
 * close), then the socket is destroyed. On HTTP/2 the stream is reset with NO_ERROR after the answer
 * (RFC 9113, 8.1).
 */
export function stopReadingWhenAnswered(handler: Handler): Handler {
  return (request, response) => {
    if ('stream' in request) {
      // The stream's own 'finish' (its answer written): the compatibility response emits 'finish' only at
      // close. The reset waits a turn, as Node's own does, so the answer's frames leave before it.
      const stream = request.stream;
      if (!stream.endAfterHeaders) stream.once('finish', () => setImmediate(resetUnread, stream));
    } else if (
      request.headers['transfer-encoding'] !== undefined ||
      Number(request.headers['content-length']) > drainedBodyBytes
    ) {
      // Set before the handler runs, as its answer may be written at once; taken back when the body is read.
      response.setHeader('connection', 'close');
      const socket = request.socket;
      // Node ends a `connection: close` exchange with destroySoon(): this connection lingers instead.
      socket.destroySoon = () => linger(socket);
      request.once('end', () => {
        if (response.headersSent) return;
        response.removeHeader('connection');
        Reflect.deleteProperty(socket, 'destroySoon');
      });
    }
    handler(request, response);
  };
}

function resetUnread(stream: http2.ServerHttp2Stream): void {
  if (!stream.readableEnded && !stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
}

/**
 * Ends our side once the answer is written, then reads and drops what the client still sends (its
 * HTTP parser detached: nothing it sends now is a request) until it ends its side, or
 * `lingeringClose` runs out of time or bytes: then the socket is destroyed.
 */
function linger(socket: net.Socket): void {
  socket.end();
  const timer = setTimeout(() => socket.destroy(), lingeringClose.ms);
  socket.once('close', () => clearTimeout(timer));
  let dropped = 0;
  socket.removeAllListeners('data');
  socket.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > lingeringClose.bytes) socket.destroy();
  });
  socket.once('end', () => socket.destroy());
  socket.resume();
}
