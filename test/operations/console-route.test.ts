import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleRoutes } from '../../src/transport/http/console-route.js';
import { routeRequests } from '../../src/transport/http/route-requests.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { silentLog } from '../helpers/silent-log.js';
import { type RunningService, startTestService } from '../helpers/test-service.js';

describe('the console route serves the built files with caching headers', () => {
  let parent: string;
  let folder: string;
  let server: http.Server;
  let baseUrl: string;

  beforeAll(async () => {
    // The served folder, beside a file that must stay out of reach, in a folder named like the
    // hashed assets' (which must not make index.html immutable).
    parent = await mkdtemp(join(tmpdir(), 'console-route-'));
    folder = join(parent, 'assets', 'console');
    await mkdir(join(folder, 'assets'), { recursive: true });
    await writeFile(join(parent, 'assets', 'outside.txt'), 'OUTSIDE-CONTENT');
    await writeFile(join(folder, 'index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(folder, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(folder, 'assets', 'index-abc123.js.map'), '{"version":3}');
    await writeFile(join(folder, '.env'), 'DOTFILE-CONTENT');
    await mkdir(join(folder, 'assets', 'deeper'));
    server = http.createServer(routeRequests(createConsoleRoutes({ directory: folder }), silentLog));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(parent, { recursive: true, force: true });
  });

  it('answers index.html at /console/, to be revalidated on every load, with a strict content security policy', async () => {
    const response = await fetch(`${baseUrl}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await response.text()).toContain('<title>console</title>');
  });

  it('tells the console where trace ids link (TRACE_URL_TEMPLATE), and that there is none by default', async () => {
    const none = await fetch(`${baseUrl}/console/settings.json`);
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ traceUrlTemplate: null });
    const template = 'https://tempo.example/trace/{traceId}';
    const linked = http.createServer(
      routeRequests(createConsoleRoutes({ directory: folder, traceUrlTemplate: template }), silentLog),
    );
    await new Promise<void>((resolve) => linked.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(linked.address() as AddressInfo).port}/console/settings.json`);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.json()).toEqual({ traceUrlTemplate: template });
    } finally {
      await new Promise((resolve) => linked.close(resolve));
    }
  });

  it('marks hashed assets immutable, and answers a matching If-None-Match with 304', async () => {
    const response = await fetch(`${baseUrl}/console/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const again = await fetch(`${baseUrl}/console/assets/index-abc123.js`, {
      headers: { 'if-none-match': response.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('redirects /console to /console/, where relative asset URLs resolve', async () => {
    const response = await fetch(`${baseUrl}/console`, { redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe('/console/');
  });

  it.each([
    ['a parent directory', '/console/%2e%2e/outside.txt'],
    ['an encoded slash to a parent', '/console/..%2foutside.txt'],
    ['an encoded backslash to a parent', '/console/..%5coutside.txt'],
    ['a directory', '/console/assets/deeper'],
    ['a dot file', '/console/.env'],
    ['a missing file', '/console/assets/nothing.js'],
  ])('refuses %s with 404', async (_name, path) => {
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/OUTSIDE-CONTENT|DOTFILE-CONTENT/);
  });

  it('answers a source map 404 by default, and serves it when CONSOLE_SOURCE_MAPS asks for them', async () => {
    expect((await fetch(`${baseUrl}/console/assets/index-abc123.js.map`)).status).toBe(404);
    const withMaps = http.createServer(routeRequests(createConsoleRoutes({ directory: folder, sourceMaps: true }), silentLog));
    await new Promise<void>((resolve) => withMaps.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(
        `http://127.0.0.1:${(withMaps.address() as AddressInfo).port}/console/assets/index-abc123.js.map`,
      );
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('{"version":3}');
    } finally {
      await new Promise((resolve) => withMaps.close(resolve));
    }
  });

  it('answers only GET and HEAD', async () => {
    expect((await fetch(`${baseUrl}/console/`, { method: 'HEAD' })).status).toBe(200);
    const post = await fetch(`${baseUrl}/console/`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('says the console is not built when its folder has no index.html', async () => {
    const empty = http.createServer(routeRequests(createConsoleRoutes({ directory: join(folder, 'missing') }), silentLog));
    await new Promise<void>((resolve) => empty.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(empty.address() as AddressInfo).port}/console/`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as { errors: string[] }).errors).toEqual(['The console is not built: run npm run build']);
    } finally {
      await new Promise((resolve) => empty.close(resolve));
    }
  });
});

describe('the service mounts the console after its own routes', () => {
  let database: TestDatabase;
  let service: RunningService;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    service = await startTestService(database.db);
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('answers /console on the service port, while a webhook path named console still reaches the router', async () => {
    const redirect = await fetch(`${service.baseUrl}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    const webhook = await fetch(`${service.baseUrl}/api/webhook/console`, { method: 'POST', body: '{}' });
    expect(webhook.status).toBe(404);
    expect(((await webhook.json()) as { message: string }).message).not.toMatch(/console/i);
  });
});
