import { describe, expect, it } from 'vitest';
import { parseVariantPlaylist } from '../hls-playlist-parse.js';
import { jitSegmentName } from './jit-args.js';
import { keyframeGrid, segmentGrid } from './segment-grid.js';
import { vodMediaPlaylist } from './vod-media-playlist.js';

describe('vodMediaPlaylist', () => {
  it('lists the whole grid as a VOD playlist of TS segments', () => {
    const text = vodMediaPlaylist(segmentGrid(9, 2), { segmentUri: jitSegmentName });
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:3',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-PLAYLIST-TYPE:VOD',
        '#EXT-X-INDEPENDENT-SEGMENTS',
        '#EXTINF:2,',
        'seg_00000.ts',
        '#EXTINF:2,',
        'seg_00001.ts',
        '#EXTINF:2,',
        'seg_00002.ts',
        '#EXTINF:2,',
        'seg_00003.ts',
        '#EXTINF:1,',
        'seg_00004.ts',
        '#EXT-X-ENDLIST',
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('#EXT-X-MAP');
  });

  it('sets TARGETDURATION to the ceiling of the longest segment', () => {
    const grid = keyframeGrid([0, 3.021, 6.021, 9.021], 12.021, 2);
    const text = vodMediaPlaylist(grid, { segmentUri: (i) => `/jit/abc/${i}.ts` });
    expect(text).toContain('#EXT-X-TARGETDURATION:4\n');
    expect(text).toContain('#EXTINF:3.021,\n/jit/abc/0.ts\n#EXTINF:3,\n/jit/abc/1.ts\n');
    const parsed = parseVariantPlaylist(text);
    expect(parsed.ended).toBe(true);
    expect(parsed.playlistType).toBe('VOD');
    expect(parsed.segments).toHaveLength(4);
  });

  it('keeps an exact duration from rounding the target up, and honours a larger target', () => {
    const grid = segmentGrid(6.0000001, 2);
    expect(vodMediaPlaylist(grid, { segmentUri: String })).toContain('#EXT-X-TARGETDURATION:2\n');
    expect(vodMediaPlaylist(grid, { segmentUri: String, targetDuration: 6 })).toContain(
      '#EXT-X-TARGETDURATION:6\n',
    );
  });

  it('prints sub-second durations with up to 6 decimals', () => {
    const text = vodMediaPlaylist(segmentGrid(2.7, 1.3), { segmentUri: String });
    expect(text).toContain('#EXTINF:1.3,\n0\n#EXTINF:1.4,\n1\n');
  });
});
