import { encodeEnvelope } from '@connectrpc/connect/protocol';
import { codeToHttpStatus, errorToJsonBytes } from '@connectrpc/connect/protocol-connect';
import { parseContentType as parseGrpcContentType, setTrailerStatus } from '@connectrpc/connect/protocol-grpc';
import {
  parseContentType as parseGrpcWebContentType,
  trailerFlag,
  trailerSerialize,
} from '@connectrpc/connect/protocol-grpc-web';
import type { ConnectError } from '@connectrpc/connect';
import type { connectNodeAdapter } from '@connectrpc/connect-node';

type NodeHandler = ReturnType<typeof connectNodeAdapter>;

/**
 * Answers an RPC with `error` in its own protocol, without reading its body: gRPC gets a
 * trailers-only response, gRPC-Web its trailers frame, Connect (and anything else) the JSON error
 * with its HTTP status. The unread body is then cut off (see stop-reading-when-answered.ts).
 */
export function refuseRpcCall(
  request: Parameters<NodeHandler>[0],
  response: Parameters<NodeHandler>[1],
  error: ConnectError,
): void {
  if (response.writableEnded || request.socket?.destroyed !== false) return;
  const contentType = request.headers['content-type'];
  const trailers = setTrailerStatus(new Headers(), error);
  if (parseGrpcContentType(contentType ?? null)) {
    const headers = { 'content-type': contentType, ...Object.fromEntries(trailers) };
    if ('stream' in request) request.stream.respond({ ':status': 200, ...headers }, { endStream: true });
    else {
      response.writeHead(200, headers);
      response.end();
    }
    return;
  }
  const grpcWeb = parseGrpcWebContentType(contentType ?? null);
  if (grpcWeb) {
    const frame = Buffer.from(encodeEnvelope(trailerFlag, trailerSerialize(trailers)));
    response.writeHead(200, { 'content-type': contentType });
    response.end(grpcWeb.text ? frame.toString('base64') : frame);
    return;
  }
  response.writeHead(codeToHttpStatus(error.code), { 'content-type': 'application/json' });
  response.end(Buffer.from(errorToJsonBytes(error, {})));
}
