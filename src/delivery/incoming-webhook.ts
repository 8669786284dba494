/** A request to any webhook edge (the router, a fixed provider endpoint) as the transport hands it over. */
export interface IncomingWebhook {
  readonly method: string;
  /** The path below /api/webhook/ for the router; a fixed endpoint's own path for a provider. */
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names, repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly peerAddress: string;
  /** The content type, lower-case and without parameters. */
  readonly mediaType: string;
  /** The request's x-request-id: stored on the event and in every log line about it. */
  readonly requestId?: string;
  /** Reads the body; called only once the caller is admitted. */
  readBody(): Promise<{ kind: 'ok'; body: Buffer } | { kind: 'too_large' } | { kind: 'aborted' }>;
}
