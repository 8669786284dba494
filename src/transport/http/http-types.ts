import type { ConnectNodeAdapterOptions } from '@connectrpc/connect-node';

type NodeHandler = NonNullable<ConnectNodeAdapterOptions['fallback']>;

/** A request on either protocol (the one listener serves HTTP/1.1 and h2c), as connect-node hands it over. */
export type HttpRequest = Parameters<NodeHandler>[0];
export type HttpResponse = Parameters<NodeHandler>[1];

/** A plain (non-RPC) endpoint. `path` ending in `/*` matches everything below it. */
export interface HttpRoute {
  readonly path: string;
  handle(request: HttpRequest, response: HttpResponse, url: URL): Promise<void>;
}
