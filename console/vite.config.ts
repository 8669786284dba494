import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const outDir = fileURLToPath(new URL('../dist/console', import.meta.url));

/**
 * The web console: built into dist/console, which the service serves at /console/ (see
 * src/transport/http/console-route.ts). `npx vite --config console/vite.config.ts` runs it with live
 * reload against a service on port 8080 (SERVICE_URL to change).
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir,
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" for React Server Components; a browser bundle has no use for it.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/bpm.webhooks.v1.', '/api/'].map((prefix) => [prefix, process.env.SERVICE_URL ?? 'http://127.0.0.1:8080']),
    ),
  },
});
