import { build } from 'vite';

/** Vitest global setup of the browser tests: the console is built once, where the service serves it from. */
export default async function setup(): Promise<void> {
  await build({ configFile: new URL('../../console/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
