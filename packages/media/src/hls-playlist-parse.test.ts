import { describe, expect, it } from 'vitest';
import { parseVariantPlaylist } from './hls-playlist-parse.js';
import { toVodPlaylist } from './variant-finalize.js';

// As FFmpeg 5.1 writes it mid-run with `-hls_playlist_type event`.
const EVENT = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-TARGETDURATION:4
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:EVENT
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init_720p.mp4"
#EXTINF:4.000000,
seg_00000.m4s
#EXTINF:4.004000,
seg_00001.m4s
`;

describe('parseVariantPlaylist', () => {
  it('lists segments with durations, the init URI and the type', () => {
    const p = parseVariantPlaylist(EVENT);
    expect(p.segments).toEqual([
      { uri: 'seg_00000.m4s', duration: 4 },
      { uri: 'seg_00001.m4s', duration: 4.004 },
    ]);
    expect(p.mapUri).toBe('init_720p.mp4');
    expect(p.playlistType).toBe('EVENT');
    expect(p.ended).toBe(false);
  });

  it('sees the end of the list', () => {
    expect(parseVariantPlaylist(`${EVENT}#EXTINF:1.5,\nseg_00002.m4s\n#EXT-X-ENDLIST\n`)).toMatchObject({
      ended: true,
      segments: [{}, {}, { uri: 'seg_00002.m4s', duration: 1.5 }],
    });
  });

  it('ignores a last line that is still being written', () => {
    const p = parseVariantPlaylist(`${EVENT}#EXTINF:4.000000,\nseg_000`);
    expect(p.segments).toHaveLength(2);
  });
});

describe('toVodPlaylist', () => {
  it('turns FFmpeg’s EVENT playlist into a VOD one pointing at init.mp4, segments untouched', () => {
    const vod = toVodPlaylist(`${EVENT}#EXT-X-ENDLIST\n`, 'init.mp4');
    expect(vod).toContain('#EXT-X-PLAYLIST-TYPE:VOD\n');
    expect(vod).not.toContain('EVENT');
    expect(vod).toContain('#EXT-X-MAP:URI="init.mp4"\n');
    expect(parseVariantPlaylist(vod).segments).toEqual(parseVariantPlaylist(EVENT).segments);
  });
});
