// Uploading a package zip to a test server and opening its learn page in Chromium, as the SCORM e2e tests do:
// the launch is judged (ready or error) before the test goes on.
import type { Browser, Frame, Page } from 'playwright-core';
import { zipFiles, type PackageFile } from '@coursecast/server';
import { postUpload } from '../../apps/server/test-support/api-calls.js';
import { multipartBody } from '../../apps/server/test-support/multipart.js';
import type { TestServer } from '../../apps/server/test-support/test-server.js';

/** A learn page, and a way to find a frame by the end of its path. */
export type Learn = Page & { frameWith(path: string): Frame };

export interface PackageLauncher {
  /** Uploads the files as a zip named `name`; the item's id. */
  upload(name: string, files: PackageFile[]): Promise<string>;
  /** Opens the learn page of `itemId` and waits until the launch is judged (ready or error). */
  launch(itemId: string): Promise<{ page: Learn; state: string | null; error: string | null }>;
}

/** A launcher for one server, browser and course (getters: tests set them up in beforeAll). */
export function packageLauncher(o: {
  t: () => TestServer;
  browser: () => Browser;
  base: () => string;
  courseId: () => string;
}): PackageLauncher {
  return {
    async upload(name, files) {
      const res = await postUpload(
        o.t(),
        o.courseId(),
        await multipartBody({ name, content: await zipFiles(files) }),
      );
      if (res.statusCode !== 201) throw new Error(`${name}: ${res.statusCode} ${res.body}`);
      return res.json<{ item: { id: string } }>().item.id;
    },
    async launch(itemId) {
      const page = (await o.browser().newPage({ viewport: { width: 1100, height: 800 } })) as Learn;
      page.frameWith = (p: string) => {
        const f = page.frames().find((x) => new URL(x.url()).pathname.endsWith(p));
        if (!f)
          throw new Error(
            `no frame ${p} among ${page
              .frames()
              .map((x) => x.url())
              .join(', ')}`,
          );
        return f;
      };
      await page.goto(`${o.base()}/learn/${itemId}?course=${o.courseId()}`);
      await page.waitForSelector('body[data-state="ready"], body[data-state="error"]', { timeout: 20_000 });
      const state = await page.locator('body').getAttribute('data-state');
      const error = await page.evaluate(
        () => (globalThis as unknown as { coursecastLearn: { error: string | null } }).coursecastLearn.error,
      );
      return { page, state, error };
    },
  };
}

/** A value the package set on its window, once it is there. */
export async function windowValue<T>(frame: Frame, name: string): Promise<T> {
  await frame.waitForFunction((n) => (globalThis as Record<string, unknown>)[n] !== undefined, name, {
    timeout: 10_000,
  });
  return frame.evaluate((n) => (globalThis as Record<string, unknown>)[n], name) as Promise<T>;
}

/** The page's frame whose path ends with `path`, once one has navigated there. */
export async function frameAt(page: Learn, path: string, timeoutMs = 10_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const f = page.frames().find((x) => new URL(x.url()).pathname.endsWith(path));
    if (f) return f;
    if (Date.now() > deadline) return page.frameWith(path);
    await new Promise((r) => setTimeout(r, 50));
  }
}
