import type { Page } from 'playwright-core';
import { mintToken } from './tokens.js';

/** Opens the console at `baseUrl` and signs in with a fresh token of `scope`, until the overview shows. */
export async function signInToConsole(page: Page, baseUrl: string, scope: string): Promise<void> {
  await page.goto(`${baseUrl}/console/`);
  await page.getByLabel('Bearer token', { exact: true }).fill(await mintToken({ sub: 'console-tester', scope }));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}
