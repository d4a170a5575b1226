// Live playlists through an edge: cached half a segment, misses coalesced, so a thousand learners polling one
// playlist cost the origin about one fetch per interval; segments immutable; CMSD says the stream is live. The
// embedded edge and nginx (docs/operations.md) are held to the same.
import { ATTR_CDN_SERVED_FROM, ATTR_CONTENT_PATH, CDN_SERVED_FROM } from '@coursecast/semconv';
import { afterEach, describe, expect, it } from 'vitest';
import { startLiveKit, type LiveKit } from '../../test-support/live-kit.js';
import { assertNginxInstalled, startNginx } from '../../test-support/nginx-process.js';
import { edgeCacheHttpBlock } from '../../test-support/nginx-sites.js';
import { nodeGet } from '../../test-support/raw-http.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A lecture publishing, the server listening; the rung playlist's path and its origin path. */
async function publishing(): Promise<{ kit: LiveKit; base: string; rung: string }> {
  const kit = await startLiveKit(cleanups);
  const base = await kit.ts.cc.listen();
  const live = await kit.create();
  kit.publishRtmp(live);
  await expect.poll(async () => (await kit.status(live.itemId)).url, { timeout: 20_000 }).not.toBeNull();
  const rung = new URL('360p/index.m3u8', (await kit.status(live.itemId)).url!).pathname;
  return { kit, base, rung };
}

/** `learners` GETs of `url` spread evenly over `seconds` (each learner polls once a second). */
async function poll(
  url: string,
  learners: number,
  seconds: number,
): Promise<{ statuses: number[]; cacheStatus: string[] }> {
  const statuses: number[] = [];
  const cacheStatus: string[] = [];
  const gap = 1000 / learners;
  const started = Date.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < learners * seconds; i++) {
    const due = started + i * gap;
    const wait = due - Date.now();
    if (wait > 0 && i % 20 === 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      nodeGet(url).then((res) => {
        statuses.push(res.status);
        cacheStatus.push(String(res.headers['cache-status'] ?? ''));
      }),
    );
  }
  await Promise.all(pending);
  return { statuses, cacheStatus };
}

async function originFetches(kit: LiveKit, rung: string, since: number): Promise<number> {
  await kit.ts.cc.instrumentation.forceFlush();
  const originPath = rung.replace('/media/', '/origin/media/');
  return kit.ts.spans
    .getFinishedSpans()
    .filter(
      (s) =>
        s.name === 'content.serve_request' &&
        s.attributes[ATTR_CDN_SERVED_FROM] === CDN_SERVED_FROM.origin &&
        s.attributes[ATTR_CONTENT_PATH] === originPath &&
        s.startTime[0] * 1000 + s.startTime[1] / 1e6 >= since,
    ).length;
}

describe('live playlists through an edge', () => {
  it('the embedded edge: 1,000 learners polling cost the origin about one fetch a second', async () => {
    const { kit, base, rung } = await publishing();
    const since = Date.now();
    const { statuses, cacheStatus } = await poll(`${base}${rung}`, 1000, 3);
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Every answer is a hit, or waited on another's origin fetch (RFC 9211 `collapsed`), or led one of the few
    // fetches: how many waited depends on how long a fetch takes on a loaded machine, how many led does not.
    const leaders = cacheStatus.filter((c) => !c.includes('hit') && !c.includes('collapsed')).length;
    const fetches = await originFetches(kit, rung, since);
    expect(fetches).toBeGreaterThanOrEqual(2);
    expect(fetches).toBeLessThanOrEqual(6);
    expect(leaders).toBeLessThanOrEqual(fetches);
    expect(cacheStatus.every((c) => c !== '')).toBe(true);
    const answer = await nodeGet(`${base}${rung}`);
    expect(String(answer.headers['cmsd-static'])).toContain('st=l');
    const segment = /\n([^#\n]+\.m4s)\n/.exec(answer.body.toString())![1]!;
    const seg = await nodeGet(`${base}${rung.replace('index.m3u8', segment)}`);
    expect(seg.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  }, 60_000);

  it('nginx as the edge: the same, with its own cache and lock', async () => {
    assertNginxInstalled();
    const { kit, base, rung } = await publishing();
    const nginx = await startNginx(edgeCacheHttpBlock({ originPort: Number(new URL(base).port) }));
    cleanups.push(() => nginx.stop());
    const since = Date.now();
    const { statuses, cacheStatus } = await poll(`${nginx.url}${rung}`, 1000, 3);
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(cacheStatus.filter((c) => c.includes('hit')).length).toBeGreaterThan(2900);
    const fetches = await originFetches(kit, rung, since);
    expect(fetches).toBeGreaterThanOrEqual(2);
    expect(fetches).toBeLessThanOrEqual(6);
  }, 60_000);
});
