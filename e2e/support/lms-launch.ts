// A learner's or instructor's launch as the test platform's course page makes it: the page, and the tool's frame
// in it once the launch reached the tool's page.
import type { BrowserContext, Frame, Page } from 'playwright-core';
import type { TestPlatform } from '../../apps/server/test-support/lti-test-platform.js';
import { waitFor } from '../../apps/server/test-support/wait.js';

/** Opens the course page of launch `key` and waits for the tool's frame to reach `base + pathPrefix`. */
export async function openLaunch(
  context: BrowserContext,
  lms: TestPlatform,
  base: string,
  key: string,
  pathPrefix: string,
): Promise<{ page: Page; frame: Frame }> {
  const page = await context.newPage();
  await page.goto(`${lms.issuer}/course?launch=${key}`);
  const frame = await waitFor(`the tool's frame at ${pathPrefix}`, async () =>
    page.frames().find((f) => f.name() === 'tool' && f.url().startsWith(`${base}${pathPrefix}`)),
  );
  return { page, frame };
}
