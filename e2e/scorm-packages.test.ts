// Packages shaped like what authoring tools export (apps/server/test-support/authoring-packages.ts), launched on
// the learn page in headless Chromium as a learner would: each must find the SCORM API the standard way (from
// `window.parent` up, no try/catch), run its frames, workers and CDN files on the content origin (ADR 0010),
// and land its calls; a package that never starts is reported as a failed load with its reason; a package that
// goes for the app's origin reaches nothing of it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PLAYBACK_EVENTS as E } from '@coursecast/semconv';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCourse } from '../apps/server/test-support/api-calls.js';
import {
  danglingDefaultPackage,
  externalAssetFiles,
  externalAssetsPackage,
  findSystemFont,
  framesetDriverPackage,
  hostilePackage,
  html5Package,
  neverInitializesPackage,
  noApiLookupPackage,
  parentFirstPackage,
  workerPackage,
} from '../apps/server/test-support/authoring-packages.js';
import { startTestServer, type TestServer } from '../apps/server/test-support/test-server.js';
import { launchChromium } from './support/chromium.js';
import { packageLauncher, windowValue } from './support/package-launch.js';
import { eventsOf } from './support/stored-events.js';
import { waitFor } from './support/watch-session.js';

let browser: Browser;
let t: TestServer;
let base: string;
let courseId: string;
let cdn: Server;
let cdnOrigin: string;
/** An origin the package policy does not name: its files are refused. */
const UNLISTED = 'http://127.0.0.1:9';

/** A CDN on a loopback port: a script and a font from another origin, as a CDN's jQuery and web fonts are. */
async function startCdn(): Promise<void> {
  const files = new Map(externalAssetFiles(findSystemFont()).map((f) => [f.path, f]));
  cdn = createServer((req, res) => {
    const f = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!f) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f.contentType, 'access-control-allow-origin': '*' }).end(f.body);
  });
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  cdnOrigin = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  await startCdn();
  t = await startTestServer(
    // The CDN is plain HTTP on loopback: named beside the default `https:`. A short deadline for failed launches.
    { content: { packageSources: ['https:', cdnOrigin], loadTimeoutSeconds: 4 } },
    { startQueue: false },
  );
  base = await t.cc.listen();
  courseId = await createCourse(t, 'Authoring tools');
  browser = await launchChromium();
}, 60_000);

const { upload, launch } = packageLauncher({
  t: () => t,
  browser: () => browser,
  base: () => base,
  courseId: () => courseId,
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await new Promise((r) => cdn?.close(r));
});

/** The load event of a module: its error type and problem, once stored. */
async function loadOf(itemId: string): Promise<Record<string, unknown>> {
  const [load] = await waitFor(`the load event of ${itemId}`, async () => {
    const rows = await eventsOf(t, itemId, E.loadInteractive);
    return rows.length > 0 ? rows : undefined;
  });
  return load!.attrs;
}

async function scormCalls(itemId: string, n: number): Promise<Record<string, unknown>[]> {
  const rows = await waitFor(`${n} SCORM calls of ${itemId}`, async () => {
    const r = await eventsOf(t, itemId, E.scormCall);
    return r.length >= n ? r : undefined;
  });
  return rows.map((r) => r.attrs);
}

describe('packages as authoring tools export them', () => {
  it.each(['1.2', '2004'] as const)(
    'finds the SCORM %s API by the standard walk from window.parent, and lands the session',
    async (version) => {
      const id = await upload(`parent-first-${version}.zip`, parentFirstPackage(version));
      const { page, state } = await launch(id);
      expect(state).toBe('ready');
      const sco = page.frameWith('/index.html');
      expect(await windowValue(sco, 'lessonDone')).toBe(true);
      const log = await windowValue<string[]>(sco, 'lessonLog');
      const [init, commit, finish] =
        version === '1.2'
          ? ['LMSInitialize', 'LMSCommit', 'LMSFinish']
          : ['Initialize', 'Commit', 'Terminate'];
      expect(log[0]).toBe(version === '1.2' ? 'API found' : 'API_1484_11 found');
      for (const call of [init, commit, finish]) expect(log).toContain(`${call}("") -> true`);
      const calls = await scormCalls(id, 3);
      expect(calls.map((c) => c['content.scorm.call'])).toEqual(['initialize', 'commit', 'finish']);
      expect(calls[2]).toMatchObject({ 'content.scorm.completion_status': 'completed' });
      if (version === '2004') expect(calls[2]).toMatchObject({ 'content.scorm.score_scaled': 0.85 });
      expect((await loadOf(id))['error.type']).toBeUndefined();
      await page.close();
    },
  );

  it('runs a SCORM Driver frameset whose frames script each other', async () => {
    const id = await upload('storyline.zip', framesetDriverPackage());
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const driver = page.frameWith('/scormdriver/driver.html');
    expect(await windowValue(driver, 'lessonDone')).toBe(true);
    const log = await windowValue<string[]>(driver, 'lessonLog');
    expect(log).toContain('LMSFinish("") -> true');
    const calls = await scormCalls(id, 3);
    expect(calls[2]).toMatchObject({
      'content.scorm.call': 'finish',
      'content.scorm.lesson_status': 'passed',
    });
    await page.close();
  });

  it('starts a Worker, and initializes once it answered', async () => {
    const id = await upload('adapt.zip', workerPackage());
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const sco = page.frameWith('/index.html');
    expect(await windowValue(sco, 'workerAnswer')).toBe(42);
    expect(await windowValue(sco, 'lessonDone')).toBe(true);
    await page.close();
  });

  it('loads a script and a web font from a CDN the policy names', async () => {
    const id = await upload('cdn.zip', externalAssetsPackage(cdnOrigin));
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const sco = page.frameWith('/index.html');
    expect(await windowValue(sco, '$$external')).toBe(true);
    expect(await windowValue(sco, 'fontFaces')).toEqual(['loaded']);
    await page.close();
  });

  it('launches the first organization when the default one does not exist', async () => {
    const id = await upload('dangling.zip', danglingDefaultPackage());
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    expect(await windowValue(page.frameWith('/index.html'), 'lessonDone')).toBe(true);
    await page.close();
  });

  it('shows an HTML5 package once it painted', async () => {
    const id = await upload('html5.zip', html5Package());
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    expect((await loadOf(id))['error.type']).toBeUndefined();
    await page.close();
  });
});

describe('a launch that fails is counted as failed, with its reason', () => {
  it.each([
    ['never initializes', () => neverInitializesPackage(), 'no_initialize', null],
    [
      'crashes before looking for the API',
      () => noApiLookupPackage(),
      'script_error',
      /authoring runtime crashed/,
    ],
    [
      'needs a file from an origin the policy does not name',
      () => externalAssetsPackage(UNLISTED),
      'blocked_resource',
      /127\.0\.0\.1:9/,
    ],
  ] as const)('a package that %s', async (_what, make, reason, problem) => {
    const id = await upload(`${reason}.zip`, make());
    const { page, state, error } = await launch(id);
    expect(state).toBe('error');
    expect(error).toBeTruthy();
    const load = await loadOf(id);
    expect(load['error.type']).toBe(reason);
    if (problem) expect(String(load['content.load.problem'])).toMatch(problem);
    await page.close();
  });

  it('counts them in the metrics as failed loads', async () => {
    const metrics = await t.cc.app.inject({ url: '/metrics' });
    const failed = [
      ...metrics.body.matchAll(
        /^content_interactive_loads_total\{[^}]*content_load_outcome="failed"[^}]*\} (\d+)$/gm,
      ),
    ].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(failed).toBe(3);
  });

  it('shows each reason, with what the package reported, in the course material panel', async () => {
    const res = await t.cc.app.inject({
      url: `/api/dashboard/panels/content-loads?course=${courseId}`,
      headers: t.auth,
    });
    const { failures } = res.json<{
      data: { failures: { reason: string; loads: number; last_problem: string | null }[] };
    }>().data;
    expect(failures.map((f) => [f.reason, f.loads]).sort()).toEqual([
      ['blocked_resource', 1],
      ['no_initialize', 1],
      ['script_error', 1],
    ]);
    expect(failures.find((f) => f.reason === 'script_error')?.last_problem).toMatch(
      /authoring runtime crashed/,
    );
  });
});

describe('a package that goes for the app', () => {
  it('reaches none of its storage, document or navigation, and its forged messages are not recorded', async () => {
    const id = await upload('hostile.zip', hostilePackage());
    const { page, state } = await launch(id);
    expect(state).toBe('ready');
    const sco = page.frameWith('/index.html');
    expect(await windowValue(sco, 'lessonDone')).toBe(true);
    const attempts = await windowValue<Record<string, string>>(sco, 'attempts');
    for (const probe of [
      'top.sessionStorage',
      'top.localStorage',
      'top.document.title',
      'top.location.href',
    ]) {
      expect(attempts[probe], probe).toMatch(/^blocked: SecurityError/);
    }
    // Well-formed this time, from the package's own window: not the launch frame's, so not the host's to record.
    await sco.evaluate(() => {
      const w = globalThis as unknown as { top: { postMessage(m: unknown, o: string): void } };
      for (let i = 0; i < 200; i++) {
        w.top.postMessage(
          {
            type: 'coursecast.scorm',
            v: 1,
            call: 'finish',
            snapshot: {
              version: '1.2',
              completionStatus: 'completed',
              successStatus: 'passed',
              scoreScaled: 1,
            },
          },
          '*',
        );
      }
    });
    const calls = await scormCalls(id, 3);
    await new Promise((r) => setTimeout(r, 500));
    const after = await eventsOf(t, id, E.scormCall);
    expect(after).toHaveLength(3);
    expect(calls[2]).toMatchObject({
      'content.scorm.lesson_status': 'completed',
      'content.scorm.score_scaled': 0.5,
    });
    expect(page.url()).toBe(`${base}/learn/${id}?course=${courseId}`);
    await page.close();
  });
});
