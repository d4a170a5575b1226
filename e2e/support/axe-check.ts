// axe-core (Deque's accessibility engine, what Lighthouse and the browsers' own audits use) run inside a page: the
// WCAG 2.0/2.1 level A and AA rules, every violation named with the elements it found, so a failing test says
// what to fix.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

// Evaluated through the DevTools protocol, which the pages' Content-Security-Policy (script-src 'self') leaves alone.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WCAG_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The DOM the page functions touch (e2e compiles without the DOM library; the casts vanish in the browser). */
interface PageElement {
  id: string;
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  blur(): void;
  /** A form control's <label>s, whether they name it with `for` or wrap it. */
  labels?: ArrayLike<{ textContent: string | null }>;
}
interface PageGlobals {
  document: {
    activeElement: PageElement | null;
    body: PageElement;
    getElementById(id: string): PageElement | null;
    querySelector(selector: string): PageElement | null;
  };
  CSS: { escape(s: string): string };
  axe: { run(ctx: unknown, opts: unknown): Promise<AxeResult> };
}
type AxeResult = {
  violations: {
    id: string;
    impact: string | null;
    help: string;
    nodes: { target: string[]; html: string; failureSummary?: string }[];
  }[];
};

/** One rule broken, with where. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** The page's (or a frame's) WCAG 2.1 A and AA violations (empty: none found). */
export async function axeViolations(page: Page | Frame): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags: string[]) => {
    const g = globalThis as unknown as PageGlobals;
    const result = await g.axe.run(g.document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes
        .slice(0, 5)
        .map((n) => `${n.target.join(' ')} ${n.html.slice(0, 120)} ${n.failureSummary ?? ''}`),
    }));
  }, WCAG_AA);
}

/** What the keyboard reaches, in Tab order: each stop's element, id and accessible name (as Chromium computes it). */
export async function tabWalk(
  page: Page,
  maxStops = 80,
): Promise<{ tag: string; id: string; name: string }[]> {
  await page.evaluate(() => (globalThis as unknown as PageGlobals).document.activeElement?.blur());
  const stops: { tag: string; id: string; name: string }[] = [];
  for (let i = 0; i < maxStops; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const a = g.document.activeElement;
      if (!a || a === g.document.body) return null;
      const labelled = a.getAttribute('aria-labelledby');
      const byLabel =
        a.labels && a.labels.length > 0
          ? a.labels[0]!.textContent
          : a.id
            ? g.document.querySelector(`label[for="${g.CSS.escape(a.id)}"]`)?.textContent
            : null;
      const name =
        a.getAttribute('aria-label') ??
        (labelled ? g.document.getElementById(labelled)?.textContent : null) ??
        byLabel ??
        a.textContent ??
        '';
      return { tag: a.tagName.toLowerCase(), id: a.id, name: name.trim().replace(/\s+/g, ' ') };
    });
    // Past the last stop focus leaves the page (the browser's own UI): the walk went round without a trap.
    if (!stop) break;
    stops.push(stop);
  }
  return stops;
}
