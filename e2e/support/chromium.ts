// Debian's Chromium (installed by scripts/setup), driven headless by playwright-core. playwright-core never
// downloads a browser of its own, and `npx playwright install` cannot reach its download host here.
import { accessSync, constants, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

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

// No sandbox: the tests run as root, where Chromium refuses to start with one. The rest keeps a test browser from
// reaching out (updates, sync, first-run pages) and from needing a GPU.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A headless Chromium; the caller closes it. */
export async function launchChromium(): Promise<Browser> {
  assertChromiumInstalled();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/**
 * A headless Chromium profile that blocks third-party cookies (and with them a third-party frame's storage), as
 * Safari does and as a learner may set Chrome: its preference is written into a fresh profile before it starts.
 * The caller closes the context (the profile is a temp directory).
 */
export async function launchChromiumBlockingThirdParty(): Promise<BrowserContext> {
  assertChromiumInstalled();
  const profile = mkdtempSync(path.join(tmpdir(), 'cc-chromium-'));
  mkdirSync(path.join(profile, 'Default'));
  writeFileSync(
    path.join(profile, 'Default', 'Preferences'),
    // cookie_controls_mode 1: "block third-party cookies" in Chrome's settings.
    JSON.stringify({ profile: { block_third_party_cookies: true, cookie_controls_mode: 1 } }),
  );
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
  });
}
