import http2 from 'node:http2';

/** The HTTP/2 side of the connection limits. */
export interface H2SessionLimits {
  /** A session with no open stream for this long is closed (GOAWAY, then the socket). */
  readonly idleTimeoutMs: number;
  /** A stream whose request body has not ended this long after its headers is cancelled. */
  readonly requestTimeoutMs: number;
}

/**
 * Closes idle HTTP/2 sessions and cancels streams whose request is not received in time. Idle means
 * no open stream, not no traffic: a long-lived response stream (a future Watch) keeps its session, and
 * its request, which ends at once, is never cut.
 */
export function limitH2Session(session: http2.ServerHttp2Session, limits: H2SessionLimits): void {
  let openStreams = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const startIdleTimer = () => {
    idleTimer = setTimeout(() => session.close(), limits.idleTimeoutMs);
  };
  startIdleTimer();
  session.on('stream', (stream) => {
    openStreams += 1;
    clearTimeout(idleTimer);
    const requestTimer = stream.endAfterHeaders
      ? undefined
      : setTimeout(() => stream.close(http2.constants.NGHTTP2_CANCEL), limits.requestTimeoutMs);
    // 'end' is the request body's end; listening for it does not start reading the stream.
    stream.once('end', () => clearTimeout(requestTimer));
    stream.once('close', () => {
      clearTimeout(requestTimer);
      openStreams -= 1;
      if (openStreams === 0 && !session.closed && !session.destroyed) startIdleTimer();
    });
  });
  session.once('close', () => clearTimeout(idleTimer));
  // Errors (a reset, a protocol violation) end this session only; Node destroys it after emitting.
  session.on('error', () => undefined);
}
