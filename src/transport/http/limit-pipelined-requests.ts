import type net from 'node:net';
import type { HttpRequest, HttpResponse } from './http-types.js';
import { sendFailure } from './send-json.js';

type Handler = (request: HttpRequest, response: HttpResponse) => void;

/**
 * HTTP/1.1 answers go out in request order, and Node hands every pipelined request to the handler as
 * soon as it is parsed: a client that sends a thousand GETs and reads nothing would have a thousand
 * answers built and held. Beyond `maxWaiting` requests waiting for their answers on one connection,
 * a request is answered 429 without being run, and the connection is closed after that answer.
 */
export function limitPipelinedRequests(handler: Handler, maxWaiting: number): Handler {
  const waiting = new WeakMap<net.Socket, number>();
  return (request, response) => {
    const socket = request.socket;
    const count = (waiting.get(socket) ?? 0) + 1;
    waiting.set(socket, count);
    response.once('close', () => waiting.set(socket, (waiting.get(socket) ?? 1) - 1));
    if (count <= maxWaiting) return handler(request, response);
    sendFailure(
      response,
      429,
      {
        message: 'Too many requests',
        errors: [`At most ${maxWaiting} requests may wait for their answers on one connection`],
      },
      { connection: 'close' },
    );
  };
}
