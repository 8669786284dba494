import type { DescService } from '@bufbuild/protobuf';
import { createClient, type Client, type Interceptor } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';

/** Where the CLI finds the server, and as whom it calls. */
export interface RemoteOptions {
  readonly url: string;
  readonly token?: string | undefined;
}

/** A generated Connect client for one management service of a running server (Connect protocol, HTTP/1.1). */
export function createManagementClient<S extends DescService>(service: S, options: RemoteOptions): Client<S> {
  const authorize: Interceptor = (next) => (request) => {
    if (options.token) request.header.set('authorization', `Bearer ${options.token}`);
    return next(request);
  };
  return createClient(service, createConnectTransport({ baseUrl: options.url, httpVersion: '1.1', interceptors: [authorize] }));
}
