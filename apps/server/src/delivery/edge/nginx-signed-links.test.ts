// nginx as the edge of a server in enrolled access (ADR 0013): Debian's nginx checks the links the server signs
// with its secure_link module (no script), keeps one cached copy per object whoever's link asked, and passes the
// link on to the origin, which checks it again. nginx is installed by scripts/setup; missing it fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNginxInstalled, startNginx } from '../../../test-support/nginx-process.js';
import { edgeCacheHttpBlock } from '../../../test-support/nginx-sites.js';
import type { NginxProcess } from '../../../test-support/nginx-process.js';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import { nodeGet, type NodeAnswer } from '../../../test-support/raw-http.js';
import { createMediaLinks, linkedPath } from '../../catalog/media-links.js';

const KEY = 'nginx-shared-media-key-0123456789abcdef';
let t: TestServer;
let nginx: NginxProcess;
let p: PublishedItem;
const segment = patternBytes(80_000, 7);
const links = createMediaLinks(KEY);
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

beforeAll(async () => {
  assertNginxInstalled();
  t = await startTestServer({ lti: { access: 'enrolled', mediaKey: KEY } }, { startQueue: false });
  const originPort = Number(new URL(await t.cc.listen()).port);
  p = await publishItem(t.cc, {
    'master.m3u8': '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000\n360p/index.m3u8\n',
    '360p/seg_00001.m4s': segment,
  });
  nginx = await startNginx(edgeCacheHttpBlock({ originPort, mediaKey: KEY }));
});

afterAll(async () => {
  await nginx?.stop();
  await t?.close();
});

type Answer = NodeAnswer;
const get = (path: string): Promise<Answer> => nodeGet(`${nginx.url}${path}`);

const linkFor = (subject: string, expiresAt = inAnHour()) =>
  links.sign(p.itemId, p.version, { subject, expiresAt });
const errorOf = (a: Answer) =>
  (JSON.parse(a.body.toString()) as { error: { code: string; message: string } }).error;

describe('nginx checking signed media links', () => {
  it("serves a learner's link, then another learner's link for the same object from its cache", async () => {
    const first = await get(linkedPath(linkFor('lrn_one'), p.itemId, p.version, '360p/seg_00001.m4s'));
    expect(first.status, first.body.toString()).toBe(200);
    expect(String(first.headers['cache-status'])).toContain('fwd=miss');
    expect(first.body.equals(segment)).toBe(true);
    const second = await get(linkedPath(linkFor('lrn_two'), p.itemId, p.version, '360p/seg_00001.m4s'));
    expect(second.status).toBe(200);
    expect(String(second.headers['cache-status'])).toContain('hit');
    expect(second.body.equals(segment)).toBe(true);
    // The playlist names its variants relatively: they stay under the link.
    const master = await get(linkedPath(linkFor('lrn_one'), p.itemId, p.version, 'master.m3u8'));
    expect(master.status).toBe(200);
    expect(master.body.toString()).toContain('\n360p/index.m3u8');
  });

  it('refuses plain paths, forged, moved and expired links with the JSON errors the embedded edge gives', async () => {
    const plain = await get(p.mediaPath('360p/seg_00001.m4s'));
    expect(plain.status).toBe(401);
    expect(errorOf(plain).code).toBe('media_link_required');

    const link = linkFor('lrn_one');
    const [expires, subject, sig] = link.split('.') as [string, string, string];
    const forged = await get(
      linkedPath(`${expires}.${subject}.${'A'.repeat(22)}`, p.itemId, p.version, '360p/seg_00001.m4s'),
    );
    expect(forged.status).toBe(403);
    expect(errorOf(forged).code).toBe('media_link_refused');
    expect(forged.headers['cache-control']).toBe('no-store');

    const stretched = await get(
      linkedPath(`${Number(expires) + 86400}.${subject}.${sig}`, p.itemId, p.version, 'master.m3u8'),
    );
    expect(stretched.status).toBe(403);

    const moved = await get(linkedPath(link, p.itemId, 'job_other', 'master.m3u8'));
    expect(moved.status).toBe(403);

    const expired = await get(
      linkedPath(linkFor('lrn_one', Math.floor(Date.now() / 1000) - 10), p.itemId, p.version, 'master.m3u8'),
    );
    expect(expired.status).toBe(403);
    expect(errorOf(expired).message).toMatch(/expired/);

    const malformed = await get(`/m/nonsense/${p.itemId}/${p.version}/master.m3u8`);
    expect(malformed.status).toBe(403);
    expect(errorOf(malformed).code).toBe('media_link_refused');
  });
});
