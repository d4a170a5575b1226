// Documents and interactive modules in headless Chromium against a real coursecast: a generated PDF and
// generated SCORM 1.2 / 2004 packages are uploaded, listed on the course page, and opened on the learn page
// (documents through the edge). The module runs on the content origin under its launch frame (ADR 0010), finds
// the SCORM API there, and its initialize/commit/finish calls come back as stored events; each load leaves its
// event, its browser span, and server spans joined to it; the dashboard's course material panel then shows them. Screenshots
// land in e2e/artifacts/.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ATTR_CDN_ORIGIN_REGION,
  PLAYBACK_EVENTS as E,
  SPAN_CONTENT_SERVE_REQUEST,
} from '@coursecast/semconv';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebDistDir, samplePdf, scormPackage, WEB_PAGES } from '@coursecast/server';
import { PANELS } from '@coursecast/server/parts';
import { createCourse, postUpload } from '../apps/server/test-support/api-calls.js';
import { multipartBody } from '../apps/server/test-support/multipart.js';
import { startTestServer, TEST_TOKEN, type TestServer } from '../apps/server/test-support/test-server.js';
import { axeViolations } from './support/axe-check.js';
import { launchChromium } from './support/chromium.js';
import { openPage, settledStates, signIn, type Attributes } from './support/dashboard-page.js';
import { eventsOf as storedEvents } from './support/stored-events.js';
import { waitFor } from './support/watch-session.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
let browser: Browser;
let t: TestServer;
let base: string;
let courseId: string;
const ids: Record<'pdf' | 'scorm2004' | 'scorm12', string> = { pdf: '', scorm2004: '', scorm12: '' };

const eventsOf = (moduleId: string, name: string) => storedEvents(t, moduleId, name);

/** The edge's serve_request, not the origin's (which carries the origin's region). */
const isEdgeSpan = (s: { attributes: Record<string, unknown> }): boolean =>
  s.attributes[ATTR_CDN_ORIGIN_REGION] === undefined;

/** Opens a page, collecting console errors and page errors (CSP violations are reported there). */
async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${base}${url}`);
  return { page, problems };
}

async function upload(name: string, content: Buffer): Promise<string> {
  const res = await postUpload(t, courseId, await multipartBody({ name, content }));
  if (res.statusCode !== 201) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
  return res.json<{ item: { id: string } }>().item.id;
}

beforeAll(async () => {
  const page = path.join(defaultWebDistDir(), WEB_PAGES.learn);
  if (!existsSync(page)) throw new Error(`no web build at ${page}: run npm run build (scripts/setup does)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestServer({}, { startQueue: false });
  base = await t.cc.listen();
  courseId = await createCourse(t, 'Workplace safety');
  ids.pdf = await upload('Week 1 slides.pdf', samplePdf(['Week 1: hazards and controls']));
  ids.scorm2004 = await upload('safety-2004.zip', await scormPackage('2004'));
  ids.scorm12 = await upload('safety-12.zip', await scormPackage('1.2'));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('the course page', () => {
  it('lists documents and modules beside lectures, linking to their learn page', async () => {
    const { page, problems } = await open(`/courses/${courseId}`);
    await page.waitForSelector('body[data-state="ready"]');
    // Read with locators: this file is type-checked without the DOM library.
    const rows = [];
    for (const li of await page.locator('li.item').all()) {
      rows.push({
        id: await li.getAttribute('data-item'),
        kind: await li.getAttribute('data-kind'),
        href: await li.locator('a').getAttribute('href'),
        format: await li.locator('.format').textContent(),
      });
    }
    expect(rows).toEqual([
      {
        id: ids.pdf,
        kind: 'document',
        href: `/learn/${ids.pdf}?course=${courseId}`,
        format: expect.stringMatching(/^PDF · \d+ B$/) as unknown,
      },
      {
        id: ids.scorm2004,
        kind: 'interactive',
        href: `/learn/${ids.scorm2004}?course=${courseId}`,
        format: expect.stringMatching(/^SCORM 2004 · 6 files · /) as unknown,
      },
      {
        id: ids.scorm12,
        kind: 'interactive',
        href: `/learn/${ids.scorm12}?course=${courseId}`,
        format: expect.stringMatching(/^SCORM 1\.2 · 6 files · /) as unknown,
      },
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the learn page', () => {
  it('opens the PDF through the edge and reports its load, joined to the edge span', async () => {
    const { page, problems } = await open(`/learn/${ids.pdf}?course=${courseId}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    expect(await page.getAttribute('#document-viewer', 'src')).toMatch(/^blob:/);
    expect(await page.getAttribute('#download-link', 'href')).toMatch(
      new RegExp(`/media/${ids.pdf}/ver_\\w+/Week-1-slides\\.pdf$`),
    );
    // The PDF viewer draws after the frame loads: give it a moment for the person looking at the screenshot.
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(ARTIFACTS, 'learn-document.png') });
    expect(problems).toEqual([]);

    const [load] = await waitFor('the document_load event', async () => {
      const rows = await eventsOf(ids.pdf, E.documentLoad);
      return rows.length > 0 ? rows : undefined;
    });
    expect(load!.attrs).toMatchObject({
      'content.document.format': 'pdf',
      'content.course_id': courseId,
      'content.load_duration_ms': expect.any(Number) as unknown,
    });
    expect(load!.attrs['error.type']).toBeUndefined();
    // The browser's load span is stored, and the edge's span for the PDF is its child.
    const spans = await waitFor('the browser load span', async () => {
      const rows = (await t.cc.pipeline.store.db.all(
        `SELECT span_id FROM spans WHERE trace_id = $1 AND service = 'coursecast-player' AND name = $2`,
        [load!.traceId, E.documentLoad],
      )) as { span_id: string }[];
      return rows.length > 0 ? rows : undefined;
    });
    expect(spans[0]!.span_id).toBe(load!.spanId);
    const edge = t.spans
      .getFinishedSpans()
      .filter((s) => s.name === SPAN_CONTENT_SERVE_REQUEST && s.spanContext().traceId === load!.traceId)
      .filter(isEdgeSpan);
    expect(edge.length).toBeGreaterThanOrEqual(1);
    expect(edge[0]!.parentSpanContext?.spanId).toBe(load!.spanId);
    expect(edge[0]!.attributes['content.type']).toBe('document');

    const metrics = await t.cc.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(
      /content_document_loads_total\{[^}]*content_document_format="pdf"[^}]*content_load_outcome="success"[^}]*\} 1/,
    );
    await page.close();
  });

  it('launches a SCORM 2004 module on the content origin, records initialize/commit/finish, and traces its load', async () => {
    const { page, problems } = await open(`/learn/${ids.scorm2004}?course=${courseId}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    const frame = page.frameLocator('#module-frame').frameLocator('#package-frame');
    await expect.poll(() => frame.locator('#api').textContent()).toBe('LMS API found');
    // The package runs on the content origin (ADR 0010): its launch frame is its parent there, and nothing of
    // this page (the app's origin) is within its reach.
    const inside = page.frames().find((f) => f.url().includes('/content/lesson.html'))!;
    const isolation = await inside.evaluate(() => {
      // A browser window, typed loosely: this file is type-checked without the DOM library.
      const w = globalThis as unknown as {
        origin: string;
        parent: { location: { pathname: string } };
        top: { document: { title: string }; localStorage: { length: number } };
      };
      const attempt = (f: () => unknown): string => {
        try {
          f();
          return 'readable';
        } catch {
          return 'blocked';
        }
      };
      return {
        origin: w.origin,
        parent: w.parent.location.pathname.split('/')[1],
        topDocument: attempt(() => w.top.document.title),
        topStorage: attempt(() => w.top.localStorage.length),
      };
    });
    expect(isolation).toEqual({
      origin: new URL(t.cc.contentUrl()).origin,
      parent: 'launch',
      topDocument: 'blocked',
      topStorage: 'blocked',
    });
    await frame.locator('#finish').click();
    await expect.poll(() => frame.locator('#api').textContent()).toBe('finished');
    const log = await inside.evaluate(() => (globalThis as unknown as { lessonLog: string[] }).lessonLog);
    expect(log).toEqual([
      'Initialize=true',
      'SetValue=true',
      'SetValue=true',
      'SetValue=true',
      'SetValue=true',
      'SetValue=true',
      'SetValue=true',
      'Commit=true',
      'Terminate=true',
    ]);
    await page.screenshot({ path: path.join(ARTIFACTS, 'learn-module.png') });
    // The learn page around the module meets WCAG 2.1 AA (the package's own pages are its author's).
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);

    const calls = await waitFor('initialize, commit and finish events', async () => {
      const rows = await eventsOf(ids.scorm2004, E.scormCall);
      return rows.length >= 3 ? rows : undefined;
    });
    expect(calls.map((c) => c.attrs['content.scorm.call'])).toEqual(['initialize', 'commit', 'finish']);
    expect(calls[2]!.attrs).toMatchObject({
      'content.scorm.version': '2004',
      'content.scorm.completion_status': 'completed',
      'content.scorm.success_status': 'passed',
      'content.scorm.score_scaled': 0.85,
      'content.scorm.session_time_s': 65.5,
      'content.course_id': courseId,
    });
    expect(new Set(calls.map((c) => c.attrs['content.scorm.attempt_id'])).size).toBe(1);

    const [load] = await eventsOf(ids.scorm2004, E.loadInteractive);
    expect(load!.attrs).toMatchObject({
      'content.package.type': 'scorm_2004',
      'content.asset_count': 6,
      'content.total_size_kb': expect.any(Number) as unknown,
      'content.load_duration_ms': expect.any(Number) as unknown,
    });
    expect(load!.attrs['error.type']).toBeUndefined();
    // The manifest request is in the load's trace: the edge's span is the child of the browser's load span.
    const manifestSpan = await waitFor('the edge span of the manifest', async () =>
      t.spans
        .getFinishedSpans()
        .find(
          (s) =>
            s.name === SPAN_CONTENT_SERVE_REQUEST &&
            s.spanContext().traceId === load!.traceId &&
            isEdgeSpan(s) &&
            String(s.attributes['content.path']).endsWith('/__coursecast/manifest.json'),
        ),
    );
    expect(manifestSpan.parentSpanContext?.spanId).toBe(load!.spanId);
    // The launch frame's URL names the load's span, and it passes it on to the package's launch document: the
    // content origin's span of that document joins the load's trace.
    const launchSpan = t.spans
      .getFinishedSpans()
      .find(
        (s) =>
          s.name === SPAN_CONTENT_SERVE_REQUEST &&
          String(s.attributes['content.path']).endsWith('/content/lesson.html'),
      );
    expect(launchSpan?.spanContext().traceId).toBe(load!.traceId);
    expect(launchSpan?.parentSpanContext?.spanId).toBe(load!.spanId);
    // Every file of the package was served by the content origin, each with its own span.
    const served = t.spans
      .getFinishedSpans()
      .filter(
        (s) =>
          s.name === SPAN_CONTENT_SERVE_REQUEST &&
          String(s.attributes['content.path']).startsWith(`/media/${ids.scorm2004}/`),
      )
      .map((s) => String(s.attributes['content.path']).split('/').slice(4).join('/'));
    for (const file of ['content/lesson.html', 'css/lesson.css', 'js/lesson.js', 'img/dot.png']) {
      expect(served).toContain(file);
    }
    const metrics = await t.cc.app.inject({ url: '/metrics' });
    expect(metrics.body).toMatch(
      /content_interactive_loads_total\{[^}]*content_package_type="scorm_2004"[^}]*content_load_outcome="success"[^}]*\} 1/,
    );
    await page.close();
  });

  it('gives a SCORM 1.2 package its API too, mapping lesson_status and the raw score', async () => {
    const { page, problems } = await open(`/learn/${ids.scorm12}?course=${courseId}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 20_000 });
    const frame = page.frameLocator('#module-frame').frameLocator('#package-frame');
    await expect.poll(() => frame.locator('#api').textContent()).toBe('LMS API found');
    await frame.locator('#finish').click();
    const calls = await waitFor('the 1.2 finish event', async () => {
      const rows = await eventsOf(ids.scorm12, E.scormCall);
      return rows.length >= 3 ? rows : undefined;
    });
    expect(calls[2]!.attrs).toMatchObject({
      'content.scorm.call': 'finish',
      'content.scorm.version': '1.2',
      'content.scorm.lesson_status': 'passed',
      'content.scorm.completion_status': 'completed',
      'content.scorm.success_status': 'passed',
      'content.scorm.score_scaled': 0.85,
      'content.scorm.session_time_s': 65.5,
    });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('the dashboard', () => {
  it("shows this course's documents, modules and SCORM attempts in the course material panel", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'en-US' });
    try {
      const { page, problems } = await openPage(ctx, `${base}/dashboard/?course=${courseId}`);
      await signIn(page, TEST_TOKEN);
      const states = await settledStates(page, Object.keys(PANELS).length, 30_000);
      expect(states['content-loads']).toBe('data');
      const keys = (section: string) =>
        page.$$eval(
          `[data-panel="content-loads"] [data-section="${section}"] tbody tr`,
          (rows: Attributes[]) => rows.map((r) => r.getAttribute('data-key')),
        );
      expect((await keys('loads')).sort()).toEqual(['document:pdf', 'module:scorm_12', 'module:scorm_2004']);
      expect(await keys('scorm')).toEqual(['1.2', '2004']);
      expect((await keys('slowest')).sort()).toEqual(Object.values(ids).sort());
      const card = page.locator('[data-panel="content-loads"]');
      await card.scrollIntoViewIfNeeded();
      await card.screenshot({ path: path.join(ARTIFACTS, 'dashboard-content-loads.png') });
      expect(problems).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
