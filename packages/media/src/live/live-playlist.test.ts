import { describe, expect, it } from 'vitest';
import { parseVariantPlaylist } from '../hls-playlist-parse.js';
import { composeLivePlaylist, type LiveRunPlaylist } from './live-playlist.js';

const T0 = Date.parse('2026-12-08T10:00:00.000Z');
const segs = (run: number, n: number, d = 2): { uri: string; duration: number }[] =>
  Array.from({ length: n }, (_, i) => ({
    uri: `r${run}-seg_${String(i).padStart(5, '0')}.m4s`,
    duration: d,
  }));
const runs: LiveRunPlaylist[] = [
  { run: 1, startMs: T0, init: 'r1-init_720p.mp4', segments: segs(1, 3) },
  { run: 2, startMs: T0 + 20_000, init: 'r2-init_720p.mp4', segments: segs(2, 2) },
];

describe('a live rung playlist', () => {
  it('is an EVENT playlist with a program date time on every segment and a discontinuity where a run follows', () => {
    const text = composeLivePlaylist(runs, { targetDuration: 2, windowSeconds: 0, ended: false });
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(text).not.toContain('#EXT-X-ENDLIST');
    expect(text.match(/#EXT-X-PROGRAM-DATE-TIME:/g)).toHaveLength(5);
    expect(text).toContain(
      '#EXT-X-PROGRAM-DATE-TIME:2026-12-08T10:00:04.000Z\n#EXTINF:2.000000,\nr1-seg_00002.m4s',
    );
    expect(text).toContain(
      'r1-seg_00002.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="r2-init_720p.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2026-12-08T10:00:20.000Z',
    );
    expect(
      text.startsWith('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n'),
    ).toBe(true);
    expect(parseVariantPlaylist(text).segments).toHaveLength(5);
  });

  it('slides a window with its media and discontinuity sequence numbers', () => {
    const text = composeLivePlaylist(runs, { targetDuration: 2, windowSeconds: 6, ended: false });
    expect(text).toContain('#EXT-X-MEDIA-SEQUENCE:2');
    expect(text).not.toContain('PLAYLIST-TYPE');
    expect(parseVariantPlaylist(text).segments.map((s) => s.uri)).toEqual([
      'r1-seg_00002.m4s',
      'r2-seg_00000.m4s',
      'r2-seg_00001.m4s',
    ]);
    const later = composeLivePlaylist(runs, { targetDuration: 2, windowSeconds: 2, ended: false });
    // Three segments at least; the window's first is run 2's second: run 2's discontinuity has left.
    expect(later).toContain('#EXT-X-MEDIA-SEQUENCE:2');
    const shorter = composeLivePlaylist([runs[0]!, { ...runs[1]!, segments: segs(2, 4) }], {
      targetDuration: 2,
      windowSeconds: 4,
      ended: false,
    });
    expect(shorter).toContain('#EXT-X-MEDIA-SEQUENCE:4');
    expect(shorter).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:1');
    expect(shorter).not.toContain('#EXT-X-DISCONTINUITY\n');
    expect(shorter).toContain('#EXT-X-MAP:URI="r2-init_720p.mp4"');
  });

  it('becomes the recording once ended: every segment, VOD, ENDLIST', () => {
    const text = composeLivePlaylist(runs, { targetDuration: 2, windowSeconds: 6, ended: true });
    const parsed = parseVariantPlaylist(text);
    expect(parsed.ended).toBe(true);
    expect(parsed.playlistType).toBe('VOD');
    expect(parsed.segments).toHaveLength(5);
  });
});
