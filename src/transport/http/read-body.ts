import type { HttpRequest } from './http-types.js';

export type BodyResult =
  | { readonly kind: 'ok'; readonly body: Buffer }
  | { readonly kind: 'too_large' }
  | { readonly kind: 'aborted' };

/**
 * Reads a request body, refusing it as soon as it passes `maxBytes`: a declared Content-Length is
 * checked before reading anything, and a streamed body is counted as it arrives.
 */
export async function readBody(request: HttpRequest, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return { kind: 'too_large' };
  if (request.headers['content-length'] !== undefined && request.httpVersionMajor === 1) return readDeclaredBody(request);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) return { kind: 'too_large' };
      chunks.push(chunk);
    }
  } catch {
    return { kind: 'aborted' };
  }
  return { kind: 'ok', body: Buffer.concat(chunks, size) };
}

/**
 * An HTTP/1.1 body of a declared length (checked above): Node's parser delivers exactly that many
 * bytes, so nothing needs counting. Read with listeners: the stream's async iterator (a generator,
 * end-of-stream tracking) cost a few µs per webhook, whose body is mostly one chunk.
 */
function readDeclaredBody(request: HttpRequest): Promise<BodyResult> {
  // Cut off before we listen: its 'close' has passed already.
  if (request.destroyed) return Promise.resolve({ kind: 'aborted' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (result: BodyResult) => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onAborted);
      request.off('close', onAborted);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => settle({ kind: 'ok', body: Buffer.concat(chunks, size) });
    const onAborted = () => settle({ kind: 'aborted' });
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onAborted);
    request.on('close', onAborted);
  });
}
