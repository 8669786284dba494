/** A request to this service's own webhook ingress, as a provider would send it. */
export interface SelfRequest {
  readonly method: string;
  /** The configuration's path below `/api/webhook/`, as stored. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
}

/** The ingress's answer. */
export interface SelfAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly requestId: string;
  readonly body: string;
}

/**
 * Sends a request to this process's own listening address (src/transport/webhooks/self-sender.ts),
 * so a test travels the real path: HTTP parsing, caller check, verification, dedup, execution.
 */
export type SendToSelf = (request: SelfRequest) => Promise<SelfAnswer>;
