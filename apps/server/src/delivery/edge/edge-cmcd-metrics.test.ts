import { CmcdObjectType, toCmcdQuery } from '@svta/cml-cmcd';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { patternBytes, publishItem, type PublishedItem } from '../../../test-support/published-item.js';
import { startTestServer, type TestServer } from '../../../test-support/test-server.js';

let t: TestServer;
let p: PublishedItem;

beforeAll(async () => {
  // The default share of traced hits would be 1 %: here none, so only metrics can carry the hits' CMCD.
  t = await startTestServer({ delivery: { hitSpanRatio: 0 } }, { startQueue: false });
  p = await publishItem(t.cc, { '360p/seg_00001.m4s': patternBytes(200_000, 3) });
});
afterAll(() => t.close());

it('keeps the CMCD of every edge hit in the store’s metrics, though only the miss was traced', async () => {
  // What a player's CMCD library sends (CMCD v2 in the query).
  const query = toCmcdQuery({
    bl: [21300],
    br: [3200],
    ot: CmcdObjectType.VIDEO,
    sid: 'learner-1',
    bs: true,
  });
  for (let i = 0; i < 12; i++) {
    const res = await t.cc.app.inject({ url: `${p.mediaPath('360p/seg_00001.m4s')}?${query}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-status']).toContain(i === 0 ? 'fwd=miss' : 'hit');
  }
  await t.cc.instrumentation.forceFlush();
  // The edge's spans (the origin's serve span of the miss has no cache status): the miss only.
  const edge = t.spans
    .getFinishedSpans()
    .filter((s) => s.name === 'content.serve_request' && s.attributes['cdn.cache_status'] !== undefined);
  expect(edge.map((s) => s.attributes['cdn.cache_status'])).toEqual(['MISS']);
  const rows = await t.cc.pipeline.store.db.all(
    `SELECT name, sum(coalesce(count, value))::INTEGER AS n, sum(sum) AS total
     FROM metric_points WHERE origin = 'server' AND name LIKE 'cdn.cmcd.%'
       AND json_extract_string(attrs, '$."cmcd.object_type"') = 'v'
     GROUP BY 1 ORDER BY 1`,
  );
  expect(rows).toEqual([
    { name: 'cdn.cmcd.bitrate', n: 12, total: 12 * 3200 },
    { name: 'cdn.cmcd.buffer_length', n: 12, total: expect.closeTo(12 * 21.3, 6) as number },
    { name: 'cdn.cmcd.buffer_starvations', n: 12, total: null },
  ]);
});
