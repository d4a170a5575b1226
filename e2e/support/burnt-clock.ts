// Glass-to-glass latency in Chromium (e2e/live.test.ts and bench/live): the page's clock minus the capture time burnt into the frame showing (the test
// publisher's clock strip), sampled while a live stream plays; both clocks are this machine's.
import type { Browser, Page } from 'playwright-core';
import { CLOCK_BITS } from '@coursecast/media/samples';

interface PageGlobals {
  document: {
    body: { dataset: Record<string, string | undefined> };
    createElement(tag: 'canvas'): {
      width: number;
      height: number;
      getContext(
        kind: '2d',
        o: object,
      ): {
        drawImage(v: unknown, x: number, y: number, w: number, h: number): void;
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      } | null;
    };
    querySelector(
      s: string,
    ): { videoWidth: number; videoHeight: number; currentTime: number; paused: boolean } | null;
  };
}

/** Reads the latency of the frame showing, ms; null when no frame shows yet. */
export function readLatency(page: Page): Promise<number | null> {
  return page.evaluate((bits) => {
    const g = globalThis as unknown as PageGlobals;
    const video = g.document.querySelector('video');
    if (!video || video.videoWidth === 0 || video.paused) return null;
    const canvas = g.document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return null;
    ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    const now = Date.now();
    const block = canvas.width / bits;
    let value = 0;
    for (let b = 0; b < bits; b++) {
      const px = ctx.getImageData(Math.floor(b * block + block / 2), Math.floor(block / 2), 1, 1).data;
      if ((px[0] ?? 0) > 127) value += 2 ** b;
    }
    return (now % 2 ** bits) - value;
  }, CLOCK_BITS);
}

/** Opens `url`, waits until its video plays, then samples latency every `everyMs` for `seconds` after `settleMs`. */
export async function sampleGlassToGlass(
  browser: Browser,
  url: string,
  o: { seconds: number; settleMs: number; everyMs: number; startTimeoutMs: number },
): Promise<number[]> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(url);
    const deadline = Date.now() + o.startTimeoutMs;
    while ((await readLatency(page)) === null) {
      if (Date.now() > deadline) throw new Error(`${url} did not play within ${o.startTimeoutMs} ms`);
      await page.waitForTimeout(250);
    }
    await page.waitForTimeout(o.settleMs);
    const samples: number[] = [];
    const end = Date.now() + o.seconds * 1000;
    while (Date.now() < end) {
      const v = await readLatency(page);
      if (v !== null && v > -1000 && v < 120_000) samples.push(v);
      await page.waitForTimeout(o.everyMs);
    }
    return samples;
  } finally {
    await page.close();
  }
}

/** The p-th percentile (0..1) of xs. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
}
