import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { AppError } from '../../../errors.js';
import type { ForwardAllowList } from '../../../router/forward-allow-list.js';
import { credentialHeaders } from './forward-headers.js';

/** What to send: `originHeaders` (a config's or script's own) only go to the first URL's origin. */
export interface ForwardRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly originHeaders?: Readonly<Record<string, string>>;
}

/** What the forward target answered. */
export interface ForwardResponse {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
  /** The Retry-After header as answered, if any. */
  readonly retryAfter?: string;
}

export interface ForwardOptions {
  readonly allowList: ForwardAllowList;
  readonly timeoutMs: number;
  /** The execution's cancellation: aborting it ends the request at once, whatever hop it is on. */
  readonly signal?: AbortSignal;
  readonly maxRedirects?: number;
  readonly maxResponseBytes?: number;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * POSTs a body to a URL whose host is on the allow list. Every hop of a redirect is checked again;
 * names are resolved here and every resolved address is checked before connecting (and the checked
 * address is the one connected to), so DNS cannot smuggle a private or loopback address in. A
 * redirect to another origin (scheme, host, port) loses `originHeaders` and any credential header,
 * as browsers and curl do: a partner's token must not reach whoever the partner redirects to.
 */
export async function forwardRequest(url: string, request: ForwardRequest, options: ForwardOptions): Promise<ForwardResponse> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let target = parseTarget(url);
  const origin = target.origin;
  let leftOrigin = false;
  let method = 'POST';
  let body: string | undefined = request.body;
  for (let hop = 0; hop <= (options.maxRedirects ?? 3); hop += 1) {
    checkHost(target, options.allowList);
    const host = target.host;
    // Says which ended the request: the execution's cancellation, the forward's timeout, or the network.
    const explain = (error: unknown): never => {
      if (options.signal?.aborted) throw refused(`The forward to ${host} was cancelled`);
      if (timeout.aborted) throw refused(`${host} did not answer within ${options.timeoutMs} ms`);
      throw error instanceof AppError ? error : refused(`${host} could not be reached: ${(error as Error).message}`);
    };
    // Once a redirect has left the origin, a hop back to it is the other origin's choice: still no credentials.
    leftOrigin ||= target.origin !== origin;
    const headers = leftOrigin ? withoutCredentials(request.headers) : { ...request.headers, ...request.originHeaders };
    const response = await send(target, method, body, headers, options, signal).catch(explain);
    const location = response.headers.location;
    if (!redirectStatuses.has(response.statusCode ?? 0) || !location) {
      return readResponse(response, options.maxResponseBytes ?? 1024 * 1024, target).catch(explain);
    }
    response.resume();
    target = parseTarget(new URL(location, target).href);
    if (response.statusCode === 303 || ((response.statusCode === 301 || response.statusCode === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
    }
  }
  throw refused(`Too many redirects from ${url}`);
}

function withoutCredentials(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !credentialHeaders.includes(name.toLowerCase())));
}

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw refused(`"${url.slice(0, 100)}" is not a URL`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw refused('Only http and https URLs can be forwarded to');
  return target;
}

function checkHost(target: URL, allowList: ForwardAllowList): void {
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  const port = target.port ? Number(target.port) : target.protocol === 'https:' ? 443 : 80;
  if (!allowList.allowsHost(hostname, port)) throw refused(`${target.host} is not in FORWARD_ALLOWED_HOSTS`);
  if (!allowList.allowsAddress(hostname) && /^[\d.]+$|:/.test(hostname)) {
    throw refused(`${target.host} is ${allowList.describeAddress(hostname)}, which is not listed`);
  }
}

function send(
  target: URL,
  method: string,
  body: string | undefined,
  headers: Readonly<Record<string, string>>,
  options: ForwardOptions,
  signal: AbortSignal,
): Promise<http.IncomingMessage> {
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      target,
      {
        method,
        signal,
        headers: { ...headers, ...(body !== undefined && { 'content-length': String(Buffer.byteLength(body)) }) },
        lookup: checkedLookup(options.allowList),
      },
      resolve,
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A dns.lookup that refuses the name when any of its addresses may not be reached. */
function checkedLookup(allowList: ForwardAllowList) {
  return (
    hostname: string,
    lookupOptions: { all?: boolean },
    callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    dnsLookup(hostname, { all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, []);
      const refusedAddress = addresses.find((entry) => !allowList.allowsAddress(entry.address));
      if (refusedAddress || addresses.length === 0) {
        const why = refusedAddress
          ? `resolves to ${allowList.describeAddress(refusedAddress.address)}, which is not listed`
          : 'has no address';
        return callback(refused(`${hostname} ${why}`) as NodeJS.ErrnoException, []);
      }
      if (lookupOptions.all) return callback(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

async function readResponse(response: http.IncomingMessage, maxBytes: number, target: URL): Promise<ForwardResponse> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      response.destroy();
      throw refused(`The response of ${target.host} exceeds ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return {
    status: response.statusCode ?? 0,
    contentType: String(response.headers['content-type'] ?? ''),
    body: Buffer.concat(chunks).toString('utf8'),
    ...(typeof response.headers['retry-after'] === 'string' && { retryAfter: response.headers['retry-after'] }),
  };
}

function refused(reason: string): AppError {
  return new AppError('execution_failed', 'Forward failed', [reason]);
}
