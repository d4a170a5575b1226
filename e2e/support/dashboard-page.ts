// The dashboard page as the e2e tests drive it: open it (recording what goes wrong in the page), sign in
// with the admin token, and wait until every panel has drawn its answer.
import type { BrowserContext, Page } from 'playwright-core';

/** What the tests read of a page element (the e2e config has no DOM types). */
export interface Attributes {
  getAttribute(name: string): string | null;
}

/** A page that records console errors and uncaught exceptions (a CSP violation shows up there too). */
export async function openPage(
  ctx: BrowserContext,
  url: string,
): Promise<{ page: Page; problems: string[] }> {
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 40[13]|status of 500/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (err) => problems.push(String(err)));
  await page.goto(url);
  return { page, problems };
}

/** Fills the token gate and submits it. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.locator('#token-form').waitFor({ state: 'visible' });
  await page.fill('#admin-token', token);
  await page.click('#token-form button[type="submit"]');
}

/** Waits until all `panelCount` panels have drawn an answer; returns panel id → data-state. */
export async function settledStates(
  page: Page,
  panelCount: number,
  timeoutMs = 15_000,
): Promise<Record<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = await page.$$eval('[data-panel]', (els: Attributes[]) =>
      els.map((e) => [e.getAttribute('data-panel') ?? '', e.getAttribute('data-state') ?? ''] as const),
    );
    if (seen.length === panelCount && seen.every(([, state]) => state)) return Object.fromEntries(seen);
    if (Date.now() > deadline)
      throw new Error(`panels not settled in ${timeoutMs} ms: ${JSON.stringify(seen)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
