import HLS from 'hls-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentGrid } from '../jit/segment-grid.js';
import { segmentCaptions, subtitleMediaTag, type SubtitleRendition } from './caption-segments.js';
import { HTML_ENTITIES, webvtt } from './webvtt-types.js';

/** The W3C parser's errors for a segment, its HLS header line aside (RFC 8216 3.5: WebVTT itself has no such line). */
const errorsOf = (body: string) =>
  new webvtt.WebVTTParser(HTML_ENTITIES).parse(body.replace(/\nX-TIMESTAMP-MAP=[^\n]*/, ''), 'metadata')
    .errors;

const VTT = `WEBVTT

00:01.000 --> 00:02.000
one

00:03.500 --> 00:04.500
spans the boundary at 4 s

00:09.000 --> 00:10.000
last, to the very end
`;

// A third-party parser (hls-parser) in strict mode: a playlist it cannot read fails the test.
beforeAll(() => HLS.setOptions({ strictMode: true, silent: true }));

describe('a caption track as an HLS subtitles rendition', () => {
  it('cuts it on the media segments, a spanning cue in both, each segment stamped with X-TIMESTAMP-MAP', () => {
    const { segments, playlist } = segmentCaptions(VTT, segmentGrid(10, 4), 126_000);
    expect(segments.map((s) => s.name)).toEqual(['sub_00001.vtt', 'sub_00002.vtt', 'sub_00003.vtt']);
    for (const s of segments) {
      expect(s.body.startsWith('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n')).toBe(true);
      // Each segment is valid WebVTT by the W3C parser.
      expect(errorsOf(s.body)).toEqual([]);
    }
    expect(segments[0]!.body).toContain('one');
    expect(segments[0]!.body).toContain('spans the boundary');
    expect(segments[1]!.body).toContain('spans the boundary');
    expect(segments[1]!.body).not.toContain('one');
    expect(segments[2]!.body).toContain('last, to the very end');

    const parsed = HLS.parse(playlist);
    expect(parsed.isMasterPlaylist).toBe(false);
    if (parsed.isMasterPlaylist) return;
    expect(parsed.segments.map((s) => [s.uri, s.duration])).toEqual([
      ['sub_00001.vtt', 4],
      ['sub_00002.vtt', 4],
      ['sub_00003.vtt', 2],
    ]);
    expect(parsed.targetDuration).toBe(4);
    expect(parsed.endlist).toBe(true);
  });

  it('writes an empty segment where no cue falls, still valid WebVTT', () => {
    const { segments } = segmentCaptions('WEBVTT\n\n00:09.000 --> 00:09.500\nlate\n', segmentGrid(10, 4));
    expect(segments[0]!.body).toBe('WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n');
    expect(errorsOf(segments[0]!.body)).toEqual([]);
  });

  it('names each rendition in the master playlist as the HLS spec asks, and a strict parser reads it', () => {
    const tracks: SubtitleRendition[] = [
      {
        language: 'en',
        name: 'English (CC)',
        kind: 'captions',
        default: true,
        forced: false,
        uri: 'subs/en-cc/index.m3u8',
      },
      {
        language: 'fr-CA',
        name: 'Français',
        kind: 'subtitles',
        default: false,
        forced: true,
        uri: 'subs/fr/index.m3u8',
      },
      {
        language: 'en',
        name: 'English descriptions',
        kind: 'descriptions',
        default: false,
        forced: true,
        uri: 'subs/en-d/index.m3u8',
      },
    ];
    const master = [
      '#EXTM3U',
      '#EXT-X-VERSION:7',
      ...tracks.map((t) => subtitleMediaTag(t, 'subs')),
      '#EXT-X-STREAM-INF:BANDWIDTH=800000,CODECS="avc1.64001f,mp4a.40.2",SUBTITLES="subs"',
      'v0/index.m3u8',
      '',
    ].join('\n');
    const parsed = HLS.parse(master);
    expect(parsed.isMasterPlaylist).toBe(true);
    if (!parsed.isMasterPlaylist) return;
    const subs = parsed.variants[0]!.subtitles;
    expect(subs.map((r) => [r.name, r.language, r.isDefault, r.autoselect, r.forced, r.uri])).toEqual([
      ['English (CC)', 'en', true, true, false, 'subs/en-cc/index.m3u8'],
      ['Français', 'fr-CA', false, true, true, 'subs/fr/index.m3u8'],
      // FORCED belongs to subtitles only.
      ['English descriptions', 'en', false, true, false, 'subs/en-d/index.m3u8'],
    ]);
    expect(subs[0]!.characteristics).toBe(
      'public.accessibility.transcribes-spoken-dialog,public.accessibility.describes-music-and-sound',
    );
    expect(subs[1]!.characteristics).toBeUndefined();
    expect(subs[2]!.characteristics).toBe('public.accessibility.describes-video');
  });
});
