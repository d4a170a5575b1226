// A remote `coursecast edge` in front of a server in enrolled access (ADR 0013): it checks the links with the key
// it shares with the origin, caches by the plain path, and the origin checks the link it passes on again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';
import { createMediaLinks, linkedPath } from '../../catalog/media-links.js';
import { createEdgeServer, type EdgeServer } from './edge-server.js';

const KEY = 'remote-edge-media-key-0123456789abcdef';
let origin: TestServer;
let p: PublishedItem;
const started: EdgeServer[] = [];
const segment = patternBytes(50_000, 3);

async function startEdge(originUrl: string, mediaKey: string): Promise<string> {
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      logLevel: 'silent',
      lti: { access: 'enrolled', mediaKey },
      delivery: { origin: originUrl, serverName: 'edge-1' },
    },
  });
  const edge = await createEdgeServer(config, '0.0.0-test');
  started.push(edge);
  return edge.listen();
}

beforeAll(async () => {
  origin = await startTestServer({ lti: { access: 'enrolled', mediaKey: KEY } }, { startQueue: false });
  await origin.cc.listen();
  p = await publishItem(origin.cc, { 'v/seg_00001.m4s': segment });
});
afterAll(async () => {
  for (const e of started) await e.close();
  await origin.close();
});

describe('coursecast edge under enrolled access', () => {
  it("serves signed links from the origin once, then from its cache for another learner's link", async () => {
    const edge = await startEdge(origin.cc.url(), KEY);
    const links = createMediaLinks(KEY);
    const expiresAt = Math.floor(Date.now() / 1000) + 600;
    const pathFor = (subject: string) =>
      linkedPath(
        links.sign(p.itemId, p.version, { subject, expiresAt }),
        p.itemId,
        p.version,
        'v/seg_00001.m4s',
      );
    const miss = await fetch(`${edge}${pathFor('lrn_a')}`);
    expect(miss.status).toBe(200);
    expect(miss.headers.get('cache-status')).toContain('fwd=miss');
    expect(Buffer.from(await miss.arrayBuffer()).equals(segment)).toBe(true);
    const hit = await fetch(`${edge}${pathFor('lrn_b')}`);
    expect(hit.status).toBe(200);
    expect(hit.headers.get('cache-status')).toContain('hit');
    await hit.arrayBuffer();

    const plain = await fetch(`${edge}${p.mediaPath('v/seg_00001.m4s')}`);
    expect(plain.status).toBe(401);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe('media_link_required');
  });

  it('cannot pass the origin with a key of its own: the origin refuses the links it signs', async () => {
    const rogueKey = 'rogue-edge-media-key-0123456789abcdefgh';
    const edge = await startEdge(origin.cc.url(), rogueKey);
    const links = createMediaLinks(rogueKey);
    const link = links.sign(p.itemId, p.version, {
      subject: 'lrn_a',
      expiresAt: Math.floor(Date.now() / 1000) + 600,
    });
    // A new object for this edge's cache, so the answer has to come from the origin.
    const res = await fetch(`${edge}${linkedPath(link, p.itemId, p.version, 'v/seg_00001.m4s')}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('media_link_refused');
  });

  it('refuses a link once it expires, though it served it (from its cache) before', async () => {
    const edge = await startEdge(origin.cc.url(), KEY);
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const link = createMediaLinks(KEY).sign(p.itemId, p.version, { subject: 'lrn_a', expiresAt });
    const url = `${edge}${linkedPath(link, p.itemId, p.version, 'v/seg_00001.m4s')}`;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    await new Promise((r) => setTimeout(r, expiresAt * 1000 - Date.now() + 50));
    const late = await fetch(url);
    expect(late.status).toBe(403);
    expect(((await late.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });
});
