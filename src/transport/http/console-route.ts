import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, HttpResponse, HttpRoute } from './http-types.js';
import { sendFailure, sendJson } from './send-json.js';

/** Where the console's built files are, and whether their source maps are served. */
export interface ConsoleSettings {
  /** Default: dist/console of this package. */
  readonly directory?: string | undefined;
  /** CONSOLE_SOURCE_MAPS: `.map` files are 404 unless this is set. */
  readonly sourceMaps?: boolean | undefined;
  /** TRACE_URL_TEMPLATE: where the event page links a trace id (`{traceId}` replaced). */
  readonly traceUrlTemplate?: string | undefined;
}

/**
 * The web console: the static files `npm run build` writes to dist/console, served at /console/.
 * Only GET and HEAD; nothing here touches the store or the command bus, and the routes come after
 * every other plain route, so webhook requests never reach them. Files are streamed from disk as
 * the client reads them, never held whole in memory.
 */
export function createConsoleRoutes(settings: ConsoleSettings = {}): HttpRoute[] {
  const directory = settings.directory ?? defaultConsoleDirectory();
  const servable = (relative: string) => settings.sourceMaps || path.extname(relative) !== '.map';
  return [
    {
      // The bare path: relative asset URLs resolve only under the trailing slash.
      path: '/console',
      handle: async (_request, response) => {
        response.writeHead(308, { location: '/console/', 'content-length': 0 });
        response.end();
      },
    },
    {
      // What the console's pages need to know of the service's settings: nothing secret.
      path: '/console/settings.json',
      handle: async (_request, response) =>
        sendJson(response, 200, { traceUrlTemplate: settings.traceUrlTemplate ?? null }, { 'cache-control': revalidate }),
    },
    { path: '/console/*', handle: (request, response, url) => serveFile(directory, servable, request, response, url) },
  ];
}

/** `dist/console` of the package this file belongs to, whether it runs from src/ (tsx) or dist/src/. */
export function defaultConsoleDirectory(): string {
  let directory = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(directory, 'package.json')) && path.dirname(directory) !== directory) {
    directory = path.dirname(directory);
  }
  return path.join(directory, 'dist', 'console');
}

// Vite names every asset after a hash of its content: a new build gives new names, so a cached copy
// is never stale. index.html keeps its name and must be revalidated on every load.
const immutable = 'public, max-age=31536000, immutable';
const revalidate = 'no-cache';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * The console calls only its own origin; no inline script, no framing (clickjacking of the replay
 * and delete buttons), no referrer leaking event ids to other sites.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

async function serveFile(
  directory: string,
  servable: (relative: string) => boolean,
  request: HttpRequest,
  response: HttpResponse,
  url: URL,
): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendFailure(response, 405, { message: 'Method not allowed', errors: ['Use GET'] }, { allow: 'GET, HEAD' });
    return;
  }
  const relative = safeRelativePath(url.pathname.slice('/console/'.length));
  const file =
    relative === undefined || !servable(relative) ? undefined : await findFile(path.join(directory, relative || 'index.html'));
  if (!file) {
    const built = existsSync(path.join(directory, 'index.html'));
    sendFailure(response, 404, {
      message: 'Not found',
      errors: [built ? `No console file at ${url.pathname}` : 'The console is not built: run npm run build'],
    });
    return;
  }
  const etag = `W/"${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`;
  const headers = {
    ...securityHeaders,
    'content-type': contentTypes[path.extname(file.path)] ?? 'application/octet-stream',
    // Judged on the path below the folder: the folder's own path may well contain "assets".
    'cache-control': relative?.startsWith('assets/') ? immutable : revalidate,
    etag,
  };
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers);
    response.end();
    return;
  }
  response.writeHead(200, { ...headers, 'content-length': file.size });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  // Paced by the client: pipeline reads the next chunk only once the last one is taken (HTTP/1.1's
  // socket, HTTP/2's flow-control window). A client gone away or a file removed meanwhile ends the
  // answer there; pipeline has destroyed both streams, and there is nothing left to tell anyone.
  await pipeline(createReadStream(file.path), response).catch(() => undefined);
}

/** The path below /console/, decoded; undefined when it could leave the directory or is not a plain name. */
function safeRelativePath(encoded: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/');
  // Covers `.` and `..`, and keeps dot files (none are built) out of reach.
  if (segments.some((segment) => segment.startsWith('.'))) return undefined;
  return segments.filter(Boolean).join('/');
}

async function findFile(filePath: string): Promise<{ path: string; size: number; mtimeMs: number } | undefined> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? { path: filePath, size: info.size, mtimeMs: info.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}
