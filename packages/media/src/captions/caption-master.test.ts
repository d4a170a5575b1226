import HLS from 'hls-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderMasterPlaylist } from '../master-playlist-write.js';
import { gridOfMediaPlaylist, withSubtitles } from './caption-master.js';
import type { SubtitleRendition } from './caption-segments.js';

beforeAll(() => HLS.setOptions({ strictMode: true, silent: true }));

const master = renderMasterPlaylist({
  audio: [{ uri: 'audio/index.m3u8', groupId: 'audio', name: 'Audio', channels: 2 }],
  variants: [
    {
      uri: '720p/index.m3u8',
      bandwidth: 3e6,
      averageBandwidth: 2.5e6,
      width: 1280,
      height: 720,
      frameRate: 30,
      codecs: 'avc1.64001f,mp4a.40.2',
    },
    {
      uri: '360p/index.m3u8',
      bandwidth: 9e5,
      averageBandwidth: 7e5,
      width: 640,
      height: 360,
      frameRate: 30,
      codecs: 'avc1.64001e,mp4a.40.2',
    },
  ],
});

const en: SubtitleRendition = {
  language: 'en',
  name: 'English (CC)',
  kind: 'captions',
  default: false,
  forced: false,
  uri: 'subs/cap_en/index.m3u8',
};
const fr: SubtitleRendition = {
  language: 'fr',
  name: 'Français',
  kind: 'subtitles',
  default: false,
  forced: true,
  uri: 'subs/cap_fr/index.m3u8',
};

describe('a master playlist gaining its subtitles group', () => {
  it('lists each track and names the group on every variant; a strict third-party parser reads it', () => {
    const text = withSubtitles(master, [en, fr]);
    const parsed = HLS.parse(text) as HLS.types.MasterPlaylist;
    expect(parsed.variants.map((v) => v.uri)).toEqual(['720p/index.m3u8', '360p/index.m3u8']);
    for (const v of parsed.variants) {
      expect(v.subtitles.map((s) => [s.name, s.language, s.forced, s.uri])).toEqual([
        ['English (CC)', 'en', false, 'subs/cap_en/index.m3u8'],
        ['Français', 'fr', true, 'subs/cap_fr/index.m3u8'],
      ]);
      expect(v.audio.map((a) => a.uri)).toEqual(['audio/index.m3u8']);
    }
    expect(text.match(/SUBTITLES="subs"/g)).toHaveLength(2);
  });

  it('replaces the group on a second publish and removes it with the last track', () => {
    const once = withSubtitles(master, [en, fr]);
    const twice = withSubtitles(once, [fr]);
    expect(twice.match(/TYPE=SUBTITLES/g)).toHaveLength(1);
    expect(twice.match(/SUBTITLES="subs"/g)).toHaveLength(2);
    expect(withSubtitles(twice, [])).toBe(master);
  });

  it('reads the segment grid of a published media playlist', () => {
    const playlist =
      '#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:4\n#EXT-X-MAP:URI="init.mp4"\n' +
      '#EXTINF:4.004,\nseg_00000.m4s\n#EXTINF:4.004,\nseg_00001.m4s\n#EXTINF:1.5,\nseg_00002.m4s\n#EXT-X-ENDLIST\n';
    const grid = gridOfMediaPlaylist(playlist);
    expect(grid.segments).toEqual([
      { index: 0, start: 0, duration: 4.004 },
      { index: 1, start: 4.004, duration: 4.004 },
      { index: 2, start: 8.008, duration: 1.5 },
    ]);
    expect(() => gridOfMediaPlaylist('#EXTM3U\n#EXT-X-ENDLIST\n')).toThrow(/no segment/);
  });
});
