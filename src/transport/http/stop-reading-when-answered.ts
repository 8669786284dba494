import http2 from 'node:http2';
import type { HttpRequest, HttpResponse } from './http-types.js';

type Handler = (request: HttpRequest, response: HttpResponse) => void;

/**
 * A declared body up to this size is still read to its end after an early answer: cheap, and a client
 * that is still sending it (a CLI with an expired token) then reads its 401 instead of a broken pipe.
 */
const drainedBodyBytes = 64 * 1024;

/**
 * A request answered before its body was read to the end (a refusal: 401, 404, 413, 503, an
 * over-large RPC) has the rest of its body cut off, not drained, unless it declared a small one: Node would otherwise read it to
 * its end to reuse the connection, a 100 MB upload or a body that stalls until the request timeout.
 * On HTTP/1.1 such an answer says `connection: close` and Node closes the socket once it is written;
 * on HTTP/2 the stream is reset with NO_ERROR after the answer (RFC 9113, 8.1).
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
      request.once('end', () => {
        if (!response.headersSent) response.removeHeader('connection');
      });
    }
    handler(request, response);
  };
}

function resetUnread(stream: http2.ServerHttp2Stream): void {
  if (!stream.readableEnded && !stream.closed) stream.close(http2.constants.NGHTTP2_NO_ERROR);
}
