// Debian's Chromium (installed by scripts/setup), driven headless by playwright-core. playwright-core never
// downloads a browser of its own, and `npx playwright install` cannot reach its download host here.
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Throws a setup error: never a silent skip, since scripts/setup installs Chromium. */
export function assertChromiumInstalled(): void {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: run bash scripts/setup (it installs Debian's chromium)`,
    );
  }
}

/** A headless Chromium; the caller closes it. */
export async function launchChromium(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No sandbox: the tests run as root, where Chromium refuses to start with one. The rest keeps a test
    // browser from reaching out (updates, sync, first-run pages) and from needing a GPU.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
